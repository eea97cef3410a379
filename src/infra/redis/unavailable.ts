import { FirebreakError, UnavailableError } from "../../core/errors.js";

const CONNECTION_TROUBLE = [
  "Stream isn't writeable",
  "Connection is closed",
  "Command timed out",
  "Reached the max retries per request limit",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ECONNRESET",
  "EPIPE",
];

const REDIS_UNAVAILABLE =
  "Firebreak cannot reach its database right now, so nothing was done. Try again in a minute; if this is urgent, page people directly.";

function isConnectionTrouble(err: unknown): boolean {
  const text = `${(err as Error)?.name ?? ""} ${(err as Error)?.message ?? String(err)}`;
  return (
    CONNECTION_TROUBLE.some((t) => text.includes(t)) || (err as Error)?.name === "MaxRetriesPerRequestError"
  );
}

/**
 * Wraps a Redis-backed port so that an outage surfaces as UnavailableError: the person is told plainly that
 * nothing was done, instead of getting an internal error id for something that is not a bug.
 */
export function guardUnavailable<T extends object>(port: T): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (err) {
          if (!(err instanceof FirebreakError) && isConnectionTrouble(err))
            throw new UnavailableError(REDIS_UNAVAILABLE);
          throw err;
        }
      };
    },
  });
}
