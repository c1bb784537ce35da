/** MQTT topic filters as AWS IoT uses them in a rule's FROM clause. */

export class TopicFilterError extends Error {
  override readonly name = "TopicFilterError";
}

/** Why `filter` is not a valid MQTT topic filter, or undefined when it is. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter === "") return "a topic filter cannot be empty";
  const levels = filter.split("/");
  for (const [index, level] of levels.entries()) {
    if (level.includes("#") && (level !== "#" || index !== levels.length - 1)) {
      return `"#" must be a whole level and the last one`;
    }
    if (level.includes("+") && level !== "+") return `"+" must be a whole level`;
  }
  return undefined;
}

/** Whether a published `topic` matches `filter`. Throws TopicFilterError on an invalid filter. */
export function topicMatches(filter: string, topic: string): boolean {
  return topicMatcher(filter)(topic);
}

/**
 * `filter` checked and split once, for every topic a rule sees (the broker calls each rule on each
 * message). Throws TopicFilterError on an invalid filter.
 */
export function topicMatcher(filter: string): (topic: string) => boolean {
  const problem = topicFilterProblem(filter);
  if (problem !== undefined) throw new TopicFilterError(`invalid topic filter '${filter}': ${problem}`);
  const filterLevels = filter.split("/");
  const firstWildcard = filterLevels.findIndex((level) => level === "+" || level === "#");
  // A filter without wildcards matches its own text only (which is a publishable topic).
  if (firstWildcard === -1) return (topic) => topic === filter;
  // MQTT 3.1.1 §4.7.2: a filter starting with a wildcard never matches a `$` topic such as `$aws/...`.
  const startsWithWildcard = firstWildcard === 0;
  // The levels before the first wildcard: a topic that does not start with them is refused unsplit.
  const literalStart = filterLevels.slice(0, firstWildcard).join("/");
  return (topic) => {
    if (!topic.startsWith(literalStart)) return false;
    if (!isPublishableTopic(topic)) return false;
    if (startsWithWildcard && topic.startsWith("$")) return false;
    const topicLevels = topic.split("/");
    for (let index = 0; index < filterLevels.length; index++) {
      const level = filterLevels[index];
      // `a/#` also matches its parent `a` (MQTT 3.1.1 §4.7.1.2).
      if (level === "#") return true;
      const topicLevel = topicLevels[index];
      if (topicLevel === undefined) return false;
      if (level !== "+" && level !== topicLevel) return false;
    }
    return filterLevels.length === topicLevels.length;
  };
}

function isPublishableTopic(topic: string): boolean {
  return topic !== "" && !topic.includes("+") && !topic.includes("#");
}
