const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids reach SQL as ::uuid; anything else would be a cast error, so callers answer 404 first. */
export const isUuid = (value: string) => uuidPattern.test(value);

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text a client sends can hold lone UTF-16 surrogates, which have no UTF-8 form:
 * Postgres would refuse them. They become U+FFFD, as TextEncoder would make them.
 */
export const toWellFormed = (text: string) => text.replace(loneSurrogate, "\uFFFD");
