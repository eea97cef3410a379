import { fromMattermostCommandText } from "../../src/adapters/mattermost/markdown.js";
import { parseCommand } from "../../src/core/commands/grammar.js";
import { type CommandName, CommandSchema } from "../../src/core/commands/schema.js";

/**
 * The commands the grammar can produce, by name: the one list every door (slash command, mention) leads to,
 * so a suite that must exercise "every command" compares what it ran against this, and a command added later
 * fails that suite until someone runs it there too.
 */
export function declaredCommandNames(): CommandName[] {
  return CommandSchema.options.map((option) => option.shape.name.value);
}

/**
 * The command a Mattermost user's text becomes, read the way the adapter hands it to the core: each `@name` of
 * one of `people` (usernames) a mention, everything else as typed. `invocation` is how they reached the bot
 * (`/incident`, or `@firebreak` for a mention, whose leading `@firebreak ` the caller has already taken off).
 * Throws with the grammar's own message when the text is no command, so a typo in a test names itself.
 */
export function commandNameOf(
  text: string,
  people: readonly string[],
  invocation = "/incident",
): CommandName {
  const neutral = fromMattermostCommandText(text, (username) => people.includes(username));
  const parsed = parseCommand(neutral, { invocation });
  if (!parsed.ok) throw new Error(`"${text}" is not a command: ${parsed.message}`);
  return parsed.command.name;
}
