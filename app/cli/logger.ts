// The node's logger: pino with the config's level, written as JSON (for log collectors) or as
// human-readable lines (pino-pretty) — `log_format` "plain" / "json", or "auto": plain when stdout
// is a terminal, JSON otherwise (a file, a pipe, a supervisor).
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "auto" | "plain" | "json";

export function resolveLogFormat(format: LogFormat, stdoutIsTTY: boolean): "plain" | "json" {
  return format === "auto" ? (stdoutIsTTY ? "plain" : "json") : format;
}

/** Where and how to write (tests pass a destination; the node writes to stdout). */
export interface LoggerTarget {
  stdoutIsTTY?: boolean;
  destination?: NodeJS.WritableStream;
}

export function makeNodeLogger(level: string, format: LogFormat, target: LoggerTarget = {}): Logger {
  const tty = target.stdoutIsTTY ?? process.stdout.isTTY === true;
  const base = { pid: process.pid };
  if (resolveLogFormat(format, tty) === "json")
    return target.destination ? pino({ level, base }, target.destination) : pino({ level, base });
  // synchronous, so the last lines before an exit are not lost; pid and hostname add nothing here
  const stream = pretty({
    sync: true,
    colorize: tty,
    ignore: "pid,hostname",
    translateTime: "SYS:HH:MM:ss.l",
    destination: target.destination ?? 1,
  });
  return pino({ level, base }, stream);
}
