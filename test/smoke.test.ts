test("package builds", () => {
  expect(require("../package.json").name).toBe("pulumi-romulus");
});
