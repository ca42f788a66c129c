declare module 'wink-naive-bayes-text-classifier' {
  interface WinkNaiveBayes {
    defineConfig(cfg: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean;
    definePrepTasks(tasks: Array<(input: any) => any>): number;
    learn(input: string[] | string, label: string): boolean;
    consolidate(): boolean;
    computeOdds(input: string[] | string): Array<[string, number]>;
    predict(input: string[] | string): string;
    exportJSON(): string;
    importJSON(json: string): boolean;
    stats(): { labelWiseSamples: Record<string, number>; labelWiseWords: Record<string, number>; vocabulary: number };
  }
  function winkNaiveBayes(): WinkNaiveBayes;
  export default winkNaiveBayes;
}
