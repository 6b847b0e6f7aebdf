/** One thing a person should do next: in words, with the command to run or the page to open. */
export interface NextAction {
  text: string;
  command?: string;
  url?: string;
}
