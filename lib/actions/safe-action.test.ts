import { describe, expect, it } from "vitest";
import { formDataToObject } from "./safe-action";

describe("formDataToObject", () => {
  it("keeps single values, gathers repeated keys and drops Next's action fields", () => {
    const form = new FormData();
    form.append("runbookId", "RB-CORE-001");
    form.append("repos", "a");
    form.append("repos", "b");
    form.append("$ACTION_ID_123", "");
    expect(formDataToObject(form)).toEqual({ runbookId: "RB-CORE-001", repos: ["a", "b"] });
  });
});
