// Function code packaging in the browser: files → zip → base64 (Code.ZipFile), and a
// downloaded code zip → files. Unix modes are set so a `bootstrap` stays executable.
// Loaded on demand (see lazyZip) so fflate is not in the first bundle.
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';

export type CodeFiles = Record<string, string | Uint8Array>;

function isExecutable(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return base === 'bootstrap' || base.endsWith('.sh');
}

export function zipFiles(files: CodeFiles): Uint8Array {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? strToU8(content) : content;
    // External attributes carry the Unix mode in their high 16 bits (os 3 = Unix).
    const mode = isExecutable(name) ? 0o100755 : 0o100644;
    entries[name] = [data, { os: 3, attrs: mode * 0x10000, mtime: new Date() }];
  }
  return zipSync(entries, { level: 6 });
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(bin);
}

export function zipToBase64(files: CodeFiles): string {
  return bytesToBase64(zipFiles(files));
}

/** Unzips code; text files (valid UTF-8, no NUL) come back as strings. Directories are skipped. */
export function unzipCode(zip: Uint8Array): CodeFiles {
  const raw = unzipSync(zip);
  const out: CodeFiles = {};
  for (const [name, data] of Object.entries(raw)) {
    if (name.endsWith('/')) continue;
    out[name] = looksLikeText(data) ? strFromU8(data) : data;
  }
  return out;
}

function looksLikeText(data: Uint8Array): boolean {
  if (data.length > 1024 * 1024) return false;
  if (data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

