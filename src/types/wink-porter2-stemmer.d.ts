/** The Porter2 stemmer of the wink family: one English word in, its stem out. */
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export = stem;
}
