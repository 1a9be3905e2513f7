// The one module that imports the vendored view library: Preact's h bound to htm (tagged templates instead of a
// JSX build step), and the hooks. Everything else imports from here, so swapping a version touches one file.
import { h, render } from '../vendor/preact.mjs';
import htm from '../vendor/htm.mjs';

export { render };
export { useState, useEffect, useRef, useMemo, useCallback, useId } from '../vendor/preact-hooks.mjs';
export const html = htm.bind(h);
