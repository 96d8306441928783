/** A value in one language, as IDA stores and receives language fields. */
export interface LangValue {
  language: string;
  value: string;
}

/** VID types from MOSIP's default `mosip-vid-policy.json`. */
export type VidType = 'Perpetual' | 'Temporary' | 'OneTimeUse';

/** A VID of an identity. `transactionsLeft` null = unlimited; `expiresAt` null = never. */
export interface SandboxVid {
  vid: string;
  type: VidType;
  transactionsLeft: number | null;
  expiresAt: string | null;
  status: 'ACTIVE' | 'REVOKED';
}

/**
 * The identity attributes IDA matches against (`identity-mapping.json` names). Language fields are lists;
 * `dateOfBirth` is `yyyy/MM/dd`. Other keys are matched exactly against a request field of the same name.
 */
export interface IdentityAttributes {
  fullName?: LangValue[];
  gender?: LangValue[];
  dateOfBirth?: string;
  phone?: string;
  email?: string;
  addressLine1?: LangValue[];
  addressLine2?: LangValue[];
  addressLine3?: LangValue[];
  city?: LangValue[];
  region?: LangValue[];
  province?: LangValue[];
  postalCode?: string;
  [attribute: string]: LangValue[] | string | undefined;
}

/** One person in the sandbox's identity store (a JSON file; edit it to add people). */
export interface SandboxIdentity {
  uin: string;
  /** `ACTIVATED` authenticates; anything else gives IDA-MLC-022. */
  status: 'ACTIVATED' | 'DEACTIVATED' | 'BLOCKED';
  /** The resident locked demo auth (IDA-MLC-019). */
  demoAuthLocked: boolean;
  vids: SandboxVid[];
  attributes: IdentityAttributes;
}

/** Picks the value in `lang` from a language list, or undefined. */
export function valueIn(list: LangValue[] | string | undefined, lang: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.find((v) => v.language === lang)?.value;
}
