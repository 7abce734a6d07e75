// What a password people choose must be, after NIST SP 800-63B (rev. 4): long rather than complex. At
// least 15 characters, since a password is the only factor of Itinera's sign-in; up to 200 so passphrases
// fit; no rules on character classes; and not one that attackers try first: a commonly used password
// (the ~49,000 of @zxcvbn-ts/language-common, shipped in the package), one short sequence repeated, or
// one built from the account's own email name or the product's name.

/** Length is counted in Unicode code points, so a passphrase in any script counts what a person typed. */
export const MIN_PASSWORD = 15;
export const MAX_PASSWORD = 200;

let common: Promise<Set<string>> | undefined;

/** Loaded on first use: the list costs ~30 ms to unpack, which a CLI command that never sets one skips. */
function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(
    (m) => new Set(m.dictionary["passwords-common"].map((p) => p.toLowerCase())),
  );
  return common;
}

/** Why the password may not be used for the account with this email, or undefined when it may. */
export async function passwordProblem(password: string, email: string): Promise<string | undefined> {
  const length = [...password].length;
  if (length < MIN_PASSWORD)
    return `a password needs at least ${MIN_PASSWORD} characters (it has ${length}); a few words make one easy to remember`;
  if (length > MAX_PASSWORD) return `a password may have at most ${MAX_PASSWORD} characters`;
  const lower = password.toLowerCase();
  if ((await commonPasswords()).has(lower))
    return "this password is on a list of commonly used passwords that attackers try first; choose another";
  if (/^(.{1,4})\1+$/su.test(password))
    return "a password may not be one short sequence repeated; choose another";
  const name = email.split("@")[0]?.toLowerCase() ?? "";
  if (name.length >= 3 && lower.includes(name))
    return `a password may not contain the account's email name ("${name}"); choose another`;
  if (lower.includes("itinera")) return 'a password may not contain "itinera"; choose another';
  return undefined;
}
