/**
 * The most common passwords of 8+ characters in public breach corpora (lower-cased).
 * Small on purpose: it stops the guesses an attacker tries first without bloating the bundle.
 */
const commonPasswords = new Set(
  (
    "password 12345678 123456789 1234567890 12345678910 qwertyuiop qwerty123 qwerty12 password1 password12 " +
    "password123 passw0rd p@ssw0rd p@ssword iloveyou iloveyou1 sunshine princess football baseball welcome1 " +
    "welcome123 admin123 administrator abc12345 abcd1234 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx qazwsxedc " +
    "11111111 00000000 88888888 87654321 12341234 11223344 12121212 123123123 147258369 987654321 " +
    "asdfghjkl asdfasdf letmein1 trustno1 dragon123 superman batman123 starwars monkey123 master123 " +
    "whatever michael1 jennifer jordan23 charlie1 shadow12 computer internet aa123456 a1234567 " +
    "changeme changeme1 secret123 freedom1 mustang1 access14 liverpool chelsea1 arsenal1 " +
    "qwertyui q1w2e3r4 q1w2e3r4t5 1234qwer qwer1234 asdf1234 zxcvbnm1 zxcvbnmm 123456789a " +
    "passwort motdepasse contrasena senha123 sommer2024 summer2024 winter2024 spring2024 autumn2024 " +
    "summer2025 winter2025 summer2026 winter2026 iloveyou2 lovely123 babygirl1 football1 baseball1 " +
    "hello123 helloworld loveyou1 sunshine1 princess1 ashley12 nicole12 daniel12 jessica1 " +
    "pokemon1 minecraft fortnite1 letmeinplease youtube1 facebook1 google123 samsung1 iphone12"
  ).split(" "),
);

export const isCommonPassword = (password: string) => commonPasswords.has(password.toLowerCase());
