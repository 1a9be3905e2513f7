import { statfs } from 'node:fs/promises';

/** Space on the file system holding `dir`: bytes this process may still use (not root's reserve), and its size. */
export async function diskSpace(dir: string): Promise<{ freeBytes: number; totalBytes: number }> {
  const st = await statfs(dir);
  return { freeBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize };
}
