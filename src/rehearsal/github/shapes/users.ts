// Who did something: users and bots, as every object GitHub returns embeds them.
import type { UserState } from "../state.js";
import type { Schemas, Site } from "./site.js";

export function userShape(site: Site, u: UserState): Schemas["simple-user"] {
  // Bot logins ("name[bot]") are percent-encoded in URLs, as GitHub does.
  const path = encodeURIComponent(u.login);
  const url = `${site.api}/users/${path}`;
  return {
    login: u.login,
    id: u.id,
    node_id: site.nodeId("User", u.id),
    avatar_url: `${site.web}/${path}.png`,
    gravatar_id: "",
    url,
    html_url: `${site.web}/${path}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    site_admin: false,
  };
}
