// The changelog format for `changeset version`: each entry links to the commit that added its
// changeset on GitHub (`options.repo` is "owner/name"). Unlike @changesets/changelog-github it
// needs no GitHub token or network, so versioning works offline and in any CI.

/** `[abc1234](https://github.com/owner/name/commit/<full hash>)`, or "" without a commit. */
function commitLink(commit, options) {
  if (!commit) return "";
  if (!options || typeof options.repo !== "string") {
    throw new TypeError('scripts/changelog.cjs needs { "repo": "owner/name" } in .changeset/config.json');
  }
  return `[${commit.slice(0, 7)}](https://github.com/${options.repo}/commit/${commit})`;
}

/** One changeset's entry: its summary, first line on the bullet, the rest indented below it. */
async function getReleaseLine(changeset, _type, options) {
  const [first, ...rest] = changeset.summary.split("\n").map((line) => line.trimEnd());
  const link = commitLink(changeset.commit, options);
  const body = rest.map((line) => `  ${line}`).join("\n");
  return `\n\n- ${link ? `${link}: ` : ""}${first}${body ? `\n${body}` : ""}`;
}

/**
 * The entry for workspace dependencies released with this one. A dependency released for the
 * first time (from 0.0.0) is left out: the package was never published against an earlier
 * version of it, so "updated" would describe a change nobody could have installed.
 */
async function getDependencyReleaseLine(changesets, dependencies, options) {
  const dependenciesUpdated = dependencies.filter((d) => d.oldVersion !== "0.0.0");
  if (dependenciesUpdated.length === 0) return "";
  const links = changesets.map((c) => commitLink(c.commit, options)).filter(Boolean);
  const updated = dependenciesUpdated.map((d) => `  - ${d.name}@${d.newVersion}`);
  return [`- Updated dependencies${links.length ? ` [${links.join(", ")}]` : ""}:`, ...updated].join("\n");
}

module.exports = { default: { getReleaseLine, getDependencyReleaseLine } };
