import { labelLook } from "../../core/dashboard/labels.js";
import type { GitHubClient } from "../github/client.js";
import { ensureLabels } from "../github/repo-labels.js";

/** A tracking issue as the action needs it. */
export interface IssueView {
  number: number;
  url: string;
  body: string;
  state: "open" | "closed";
  /** Who opened it: only issues the release's own identity opened are ever its tracking issue. */
  author: string;
}

/** Narrow access to the tracking issues of one repository. */
export class TrackingIssues {
  private readonly owner: string;
  private readonly repo: string;

  constructor(
    private readonly github: GitHubClient,
    repo: string,
  ) {
    [this.owner, this.repo] = repo.split("/") as [string, string];
  }

  private view(data: {
    number: number;
    html_url: string;
    body?: string | null;
    state: string;
    user?: { login: string } | null;
  }): IssueView {
    return {
      number: data.number,
      url: data.html_url,
      body: data.body ?? "",
      state: data.state === "closed" ? "closed" : "open",
      author: data.user?.login ?? "",
    };
  }

  /** Issues (not pull requests) with exactly this title and label, oldest first. */
  async findByTitle(title: string, label: string | undefined): Promise<IssueView[]> {
    const items = await this.github.paginate(this.github.rest.issues.listForRepo, {
      owner: this.owner,
      repo: this.repo,
      state: "all",
      direction: "asc",
      per_page: 100,
      ...(label ? { labels: label } : {}),
    });
    return items.filter((i) => !i.pull_request && i.title === title).map((i) => this.view(i));
  }

  /** Titles of the open issues (not pull requests) with this label (opened by `author`, when given). */
  async openTitles(label: string | undefined, author?: string): Promise<string[]> {
    const items = await this.github.paginate(this.github.rest.issues.listForRepo, {
      owner: this.owner,
      repo: this.repo,
      state: "open",
      per_page: 100,
      ...(label ? { labels: label } : {}),
    });
    return items
      .filter((i) => !i.pull_request && (author === undefined || i.user?.login === author))
      .map((i) => i.title);
  }

  async get(number: number): Promise<IssueView> {
    const { data } = await this.github.rest.issues.get({
      owner: this.owner,
      repo: this.repo,
      issue_number: number,
    });
    return this.view(data);
  }

  /** Opens an issue with these labels, creating those the repo lacks first (else GitHub may drop them). */
  async create(title: string, labels: readonly string[], body: string): Promise<IssueView> {
    await ensureLabels(this.github, `${this.owner}/${this.repo}`, labels, labelLook("tracking"));
    const { data } = await this.github.rest.issues.create({
      owner: this.owner,
      repo: this.repo,
      title,
      labels: [...labels],
      body,
    });
    return this.view(data);
  }

  async update(number: number, change: { body?: string; state?: "open" | "closed" }): Promise<void> {
    await this.github.rest.issues.update({
      owner: this.owner,
      repo: this.repo,
      issue_number: number,
      ...change,
    });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.github.rest.issues.createComment({
      owner: this.owner,
      repo: this.repo,
      issue_number: number,
      body,
    });
  }

  /** Closes an issue opened in a race, pointing to the canonical one. */
  async closeAsDuplicate(number: number, canonicalUrl: string): Promise<void> {
    await this.comment(number, `Duplicate of ${canonicalUrl}: this release is tracked there.`);
    await this.github.rest.issues.update({
      owner: this.owner,
      repo: this.repo,
      issue_number: number,
      state: "closed",
      state_reason: "not_planned",
    });
  }
}
