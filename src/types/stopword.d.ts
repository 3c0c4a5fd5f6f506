/** The part of `stopword` (v3) Cascade uses: its English list. */
declare module 'stopword' {
  export const eng: readonly string[];
}
