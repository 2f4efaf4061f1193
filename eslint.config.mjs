// Lint: what the formatter cannot see. Size limits keep modules and functions readable
// (tables of data are exempt with an eslint-disable comment that says so).
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "bench/prisma/**", "test/fixtures/**"] },
  {
    files: ["src/**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }],
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        { selector: "Literal[value=/DESIGN ?§/]", message: "cite files in the repository, not DESIGN §" }
      ]
    }
  }
)
