// Model cards: the fixed task vocabulary and the limits on every field (stateless; checked in
// ValidateBasic, so a bad card is refused at CheckTx). The lineage checks that need state (the
// superseded model exists, has the same creator, nothing else supersedes it) are in lineage.ts.
import type { ModelCard } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrInvalidCard } from "./errors.ts";

/** What a model does; `--task` and the discovery query take these words. */
export const TASKS = ["classification", "detection", "ocr", "speech", "embedding", "generation", "other"] as const;
export type Task = (typeof TASKS)[number];

export const MAX_DESCRIPTION_BYTES = 1024;
export const MAX_DOC_BYTES = 1024;
export const MAX_LICENSE_LENGTH = 64;
export const MAX_TAGS = 8;
export const MAX_TAG_LENGTH = 32;
export const MAX_SOURCE_URI_LENGTH = 256;

/** A tag: lowercase ascii letters, digits and inner hyphens. */
const TAG = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/**
 * An SPDX license identifier (SPDX spec annex D: idstring = 1*(ALPHA / DIGIT / "-" / "."), a listed
 * id optionally followed by "+", or "LicenseRef-" idstring); expressions (AND, OR, WITH) are not taken.
 */
const SPDX_ID = /^(?:LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9][A-Za-z0-9.-]*\+?)$/;
/** scheme ":" then printable ascii without spaces (RFC 3986's characters, unchecked beyond that). */
const URI = /^[a-z][a-z0-9+.-]*:[\x21-\x7e]+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

export function isTask(s: string): s is Task {
  return (TASKS as readonly string[]).includes(s);
}

function fail(msg: string): never {
  throw ErrInvalidCard.wrap(msg);
}

/** Plain text: valid UTF-16 (no lone surrogates), no control characters but newline and tab. */
function checkText(what: string, s: string, maxBytes: number): void {
  if (encoder.encode(s).length > maxBytes) fail(`${what} is longer than ${maxBytes} bytes`);
  if (/\p{Cs}/u.test(s)) fail(`${what} is not valid UTF-8 text`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it refuses
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s)) fail(`${what} has control characters`);
}

/** Throws ErrInvalidCard naming the first field over its limits. ownId: the model the card is for. */
export function validateCard(card: ModelCard, ownId: string): void {
  if (!isTask(card.task)) fail(`task must be one of ${TASKS.join(", ")} (got "${card.task}")`);
  checkText("description", card.description, MAX_DESCRIPTION_BYTES);
  checkText("input_doc", card.inputDoc, MAX_DOC_BYTES);
  checkText("output_doc", card.outputDoc, MAX_DOC_BYTES);
  if (card.license !== "") {
    if (card.license.length > MAX_LICENSE_LENGTH) fail(`license is longer than ${MAX_LICENSE_LENGTH} characters`);
    if (!SPDX_ID.test(card.license))
      fail(`license "${card.license}" is not an SPDX license id (e.g. MIT, Apache-2.0, LicenseRef-mine)`);
  }
  if (card.tags.length > MAX_TAGS) fail(`more than ${MAX_TAGS} tags`);
  const seen = new Set<string>();
  for (const t of card.tags) {
    if (t.length > MAX_TAG_LENGTH || !TAG.test(t))
      fail(`tag "${t}" must be 1..${MAX_TAG_LENGTH} characters of a-z, 0-9 and inner hyphens`);
    if (seen.has(t)) fail(`tag "${t}" is given twice`);
    seen.add(t);
  }
  if (card.sourceUri !== "") {
    if (card.sourceUri.length > MAX_SOURCE_URI_LENGTH)
      fail(`source_uri is longer than ${MAX_SOURCE_URI_LENGTH} characters`);
    if (!URI.test(card.sourceUri)) fail("source_uri must be scheme:rest in printable ascii without spaces");
  }
  if (card.supersedes !== "") {
    if (!HEX64.test(card.supersedes)) fail("supersedes must be a model id (64 lowercase hex)");
    if (card.supersedes === ownId) fail("a model cannot supersede itself");
  }
}
