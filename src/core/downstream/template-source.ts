import { ReleaseRelayError } from "../errors.js";

// One line, no placeholder, ending in a file extension (.md, .html, .tmpl): text written as a file's
// name. Such a value is read from that file; it is never published as the page's own text.
const FILE_NAME = /^[^\r\n{}]*\.[A-Za-z][A-Za-z0-9]{0,9}$/;

/** The path of the template file a `template:` names, or undefined when it is the template's text. */
export function templateFilePath(template: string): string | undefined {
  return FILE_NAME.test(template.trim()) ? template.trim() : undefined;
}

/** The refusal of a template file that is not there, at the config path `where` names. */
export function missingTemplateFile(path: string, where: string): ReleaseRelayError {
  return new ReleaseRelayError(
    "E_CONFIG",
    `${where}: template file ${JSON.stringify(path)} does not exist (paths are relative to release-relay.yml's directory)`,
    "add the file beside release-relay.yml, correct the path, or write the template's text inline (several lines, or with a {placeholder})",
  );
}
