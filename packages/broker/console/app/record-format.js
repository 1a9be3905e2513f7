// How a record's key or value is shown. The API sends each as { text, base64 }: text is null when the bytes are
// not valid UTF-8, so such a payload is shown as hex whatever the chosen mode. No imports: tested under Node.

/** @typedef {{ text: string | null, base64: string } | null} Payload */
/** @typedef {'text' | 'json' | 'hex'} PayloadMode */

/** @param {string} base64 */
function decodeBase64(base64) {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** "7b 22 61 22 7d": two hex digits a byte, space-separated. @param {string} base64 */
export function hexOf(base64) {
  return Array.from(decodeBase64(base64), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The string to show and how it was made. `json` falls back to text when the payload does not parse, and says so,
 * so that a topic of mixed payloads can be read in JSON mode.
 * @param {Payload} payload @param {PayloadMode} mode
 * @returns {{ shown: string, as: 'null' | 'text' | 'json' | 'hex' }}
 */
export function formatPayload(payload, mode) {
  if (payload === null || payload === undefined) return { shown: 'null', as: 'null' };
  if (mode === 'hex' || payload.text === null) return { shown: hexOf(payload.base64), as: 'hex' };
  if (mode === 'json') {
    try {
      return { shown: JSON.stringify(JSON.parse(payload.text), null, 2), as: 'json' };
    } catch {
      return { shown: payload.text, as: 'text' };
    }
  }
  return { shown: payload.text, as: 'text' };
}
