import base from "./stryker.config.mjs";
export default { ...base, mutate: ["lib/access/rules.ts", "lib/access/history.ts", "lib/access/review.ts"], concurrency: 1, reporters: ["clear-text", "json"], jsonReporter: { fileName: "reports/mutation-access.json" }, tempDirName: ".stryker-tmp-access" };
