import type { MappingSpec } from '@mts/envelope';

/**
 * Where the seeder fields are in a flattened MOSIP VC (integrations spec §8): `vid` is `VID` else `UIN` (the reader
 * sets it), the address joins lines 1–3, city, region, province and postal code (IDA's fullAddress order).
 * A caller's `request.mapping` overrides it key by key.
 */
export const VC_DEFAULT_MAPPING: Readonly<Required<MappingSpec>> = Object.freeze({
  vid: 'vid',
  name: ['fullName'],
  gender: 'gender',
  dob: 'dateOfBirth',
  phoneNumber: 'phone',
  emailId: 'email',
  fullAddress: ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'],
});
