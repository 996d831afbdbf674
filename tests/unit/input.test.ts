import { describe, expect, it } from "vitest";
import { readForm, readSearchParams } from "../../app/lib/input.server";

describe("reading outside input", () => {
  it("strips control characters from query parameters, names included", () => {
    const q = readSearchParams(new Request("http://localhost/desk/tickets?q=%00abc%01%7F&st%00atus=closed&page=2&page=3"));
    expect(q).toEqual({ q: "abc", status: "closed", page: "2" });
  });

  it("keeps tab, newline and Persian text", () => {
    expect(readSearchParams(new URL("http://localhost/?q=%D8%B9%D9%84%DB%8C%09x%0Ay"))).toEqual({ q: "علی\tx\ny" });
  });

  it("strips control characters from form fields and leaves files out", async () => {
    const form = new FormData();
    form.append("username", "oper\u0000ator");
    form.append("note", "line one\r\nline two\u0007");
    form.append("upload", new File(["x"], "x.txt"));
    const fields = await readForm(new Request("http://localhost/login", { method: "POST", body: form }));
    expect(fields).toEqual({ username: "operator", note: "line one\r\nline two" });
  });

  it("reads a body that is not a form as an empty form", async () => {
    const req = new Request("http://localhost/login", {
      method: "POST",
      body: "{not a form",
      headers: { "Content-Type": "application/json" },
    });
    expect(await readForm(req)).toEqual({});
  });
});
