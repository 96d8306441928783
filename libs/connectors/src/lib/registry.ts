import { createEnvelopeValidator, syncInput, type EnvelopeValidator } from '@mts/envelope';
import type { Delivery } from './delivery.js';
import { callbackDelivery } from './deliveries/callback.js';
import { downloadDelivery } from './deliveries/download.js';
import { websubDelivery } from './deliveries/websub.js';
import { sftpDelivery } from './deliveries/sftp.js';
import type { InputKind } from '@mts/store';
import type { InputSource } from './source.js';
import { csvSource } from './sources/csv.js';
import { jsonSource } from './sources/json.js';
import { odkSource } from './sources/odk.js';
import { sheetsSource } from './sources/sheets.js';
import { formioSource } from './sources/formio.js';
import { vcSource } from './sources/vc.js';

/** Every input source, in the order the API registers their endpoints. Adding one: a module in `sources/`, listed here. */
export const SOURCES: readonly InputSource[] = Object.freeze([jsonSource, csvSource, odkSource, sheetsSource, formioSource, vcSource]);

/** Every delivery, in the order `deliverytype`'s enum lists them. Adding one: a module in `deliveries/`, listed here. */
export const DELIVERIES: readonly Delivery[] = Object.freeze([downloadDelivery, callbackDelivery, websubDelivery, sftpDelivery]);

/** The source that reads a stored request of this input kind, or undefined. */
export function sourceForStoredKind(inputKind: InputKind, sources: readonly InputSource[] = SOURCES): InputSource | undefined {
  return sources.find((s) => s.storedAs.includes(inputKind));
}

/** The delivery registered for a `deliverytype`, or undefined. */
export function deliveryFor(deliverytype: string, deliveries: readonly Delivery[] = DELIVERIES): Delivery | undefined {
  return deliveries.find((d) => d.deliverytype === deliverytype);
}

/**
 * The envelope validator of the registered sources (plus MTS's sync mode, answered inline by the API) and deliveries.
 *
 * @example
 * ```ts
 * const issues = createSeedValidator().validate('csv', body); // [] when valid
 * ```
 */
export function createSeedValidator(
  options: { sources?: readonly InputSource[]; deliveries?: readonly Delivery[] } = {},
): EnvelopeValidator {
  const sources = options.sources ?? SOURCES;
  const deliveries = options.deliveries ?? DELIVERIES;
  return createEnvelopeValidator({ inputs: [...sources.map((s) => s.envelope), syncInput], deliveries: deliveries.map((d) => d.envelope) });
}
