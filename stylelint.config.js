// The browser app's stylesheet (web/src/styles.css), checked by `npm run lint`: the standard
// rules catch what a browser silently forgives, such as a rule left unclosed, which once nested
// every later rule of the file inside it.
/** @type {import('stylelint').Config} */
export default {
  extends: ['stylelint-config-standard'],
  ignoreFiles: ['dist/**', 'coverage/**', 'test-artifacts/**', 'node_modules/**'],
  rules: {
    // Class names are BEM in kebab case: block, block__element, block--modifier (.nav__link, .button--primary).
    'selector-class-pattern': [
      '^[a-z][a-z0-9]*(-[a-z0-9]+)*(__[a-z0-9]+(-[a-z0-9]+)*)?(--[a-z0-9]+(-[a-z0-9]+)*)?$',
      { message: (selector) => `Expected class selector "${selector}" to be BEM in kebab case (block__element--modifier)` },
    ],
  },
};
