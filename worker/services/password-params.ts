export interface ArgonParams {
  m: number;
  t: number;
  p: number;
}

/** OWASP's first choice for argon2id; new hashes always use it. */
export const currentParams: ArgonParams = { m: 19_456, t: 2, p: 1 };

/**
 * Parameters we accept from the database: the current set and OWASP's equivalent older
 * ones. A stored hash never chooses its own cost, so a planted hash cannot make verify
 * burn a gigabyte; anything else fails verification.
 */
export const acceptedParams: ArgonParams[] = [
  currentParams,
  { m: 47_104, t: 1, p: 1 },
  { m: 12_288, t: 3, p: 1 },
  { m: 9_216, t: 4, p: 1 },
  { m: 7_168, t: 5, p: 1 },
];
