/**
 * Everything the client scrubs before showing it, in one place: the API key in every form a server can echo
 * it back in (errors, headers, bodies, log lines), and, for the debug log only, what a log should not keep
 * (credentials and query values in URLs, phone numbers and email addresses).
 */

/** Shorter variants are not searched for: they would blank out unrelated text and hide nothing worth hiding. */
const MIN_VARIANT_CHARS = 6;

/**
 * The base64 text that any byte string containing `secret` encodes to, wherever the secret starts: base64
 * works on groups of three bytes, so the secret's own characters depend only on its offset modulo 3 (0, 1
 * or 2 bytes before it in its group). Catches `base64(key)`, `base64(":" + key)` (HTTP Basic with an empty
 * user name), `base64("user:" + key)` and a key inside any larger encoded blob, in standard and URL-safe
 * alphabets. The characters that mix the secret's bits with its neighbours' are left out of each variant.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    forms.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Builds the function that scrubs the key from anything we show. Covers the forms in which a server can echo
 * it back: raw, JSON-escaped (a body embedding the header), percent-encoded (a URL embedding it) and base64
 * (an `Authorization: Basic` echo, a token blob), each in any letter case (a server that upper-cases what it
 * echoes). Case-insensitive matching of a base64 form may also blank a string that differs from it only in
 * case: harmless, and far less likely than a real echo.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const literal = new Set<string>();
  const encoded = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret === "") continue;
    literal.add(secret);
    literal.add(JSON.stringify(secret).slice(1, -1));
    literal.add(encodeURIComponent(secret));
    for (const form of base64Forms(secret)) if (form.length >= MIN_VARIANT_CHARS) encoded.add(form);
  }
  // Longest first, so a short variant never leaves half of a longer one behind (alternation takes the first
  // alternative that matches at a position).
  const alternatives = (set: Set<string>) =>
    [...set]
      .filter((v) => v !== "")
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|");
  const literalPattern = literal.size > 0 ? new RegExp(alternatives(literal), "gi") : undefined;
  const encodedPattern = encoded.size > 0 ? new RegExp(alternatives(encoded), "gi") : undefined;
  return (text) => {
    let out = literalPattern === undefined ? text : text.replace(literalPattern, "[REDACTED]");
    if (encodedPattern !== undefined) out = redactBase64Words(out, encodedPattern);
    return out;
  };
}

const BASE64_CHAR = /[A-Za-z0-9+/_=-]/;

/**
 * Replaces the whole base64 word around each match of `pattern`: the characters next to a base64 form of the
 * key carry bits of it too. Scans outwards from each match instead of putting `[...]*` around the pattern,
 * which would backtrack quadratically over a long base64-looking body.
 */
function redactBase64Words(text: string, pattern: RegExp): string {
  let out = "";
  let copied = 0;
  for (const match of text.matchAll(pattern)) {
    let start = match.index;
    let end = start + match[0].length;
    if (start < copied) continue;
    while (start > copied && BASE64_CHAR.test(text[start - 1] ?? "")) start--;
    while (end < text.length && BASE64_CHAR.test(text[end] ?? "")) end++;
    out += `${text.slice(copied, start)}[REDACTED]`;
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Applies `redact` to every string (keys included) inside a parsed JSON value. */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact);
    return out;
  }
  return value;
}

/** Query parameters the debug log keeps: paging, which says nothing about anyone and helps follow a list. */
const LOGGED_QUERY_PARAMETERS = new Set(["page", "size"]);

/** `scheme://user:password@` in any URL. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"'<>@]*@/gi;
/** A query string, up to the end of the URL (whitespace, a quote, a bracket or a fragment). */
const QUERY = /\?([^\s"'<>#]*)/g;
/** An E.164 number as the API writes it, or one with a leading + and separators as people type it. */
const PHONE = /\+\d[\d ().-]{5,18}\d/g;
const EMAIL = /[\w.!#$%&*+/=?^`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

/**
 * What the debug log does with a line after the key redactor: URL credentials and query values (where tokens
 * live: a webhook URL's `?token=`) become `[REDACTED]`, phone numbers `[PHONE]` and email addresses `[EMAIL]`,
 * wherever they appear (URLs, request and response bodies, error messages). Names and free text are kept:
 * they are what a debug session needs to tell one request from another.
 */
export function redactForLog(line: string): string {
  return line
    .replace(USERINFO, "$1[REDACTED]@")
    .replace(QUERY, (_match, query: string) => `?${redactQuery(query)}`)
    .replace(EMAIL, "[EMAIL]")
    .replace(PHONE, "[PHONE]");
}

function redactQuery(query: string): string {
  return query
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals < 0) return pair;
      const name = pair.slice(0, equals);
      return LOGGED_QUERY_PARAMETERS.has(name) ? pair : `${name}=[REDACTED]`;
    })
    .join("&");
}
