/**
 * Reading a workspace file a pull request may have replaced: only a regular file, not through a
 * symbolic link, up to a size. A team's file turned into a link to `/dev/zero` or a FIFO would
 * otherwise make the plan, the Nx graph and the CI fan-out read forever (or hang on open); a link
 * anywhere else reads what is not in the repository.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** Far above any real stack config or registry (a 500-team registry is ~100 KB). */
export const MAX_WORKSPACE_FILE_BYTES = 4 * 1024 * 1024;

/** Why a file cannot be read as a workspace file (the message names what is allowed). */
export class UnreadableFileError extends Error {}

/**
 * The bytes of `absolute`. Opened with O_NOFOLLOW (a symbolic link fails, ELOOP) and O_NONBLOCK (a
 * FIFO does not block the open), then checked on the open descriptor: a regular file of at most
 * `maxBytes`, so what was checked is what is read.
 */
export function readRegularFile(absolute: string, maxBytes = MAX_WORKSPACE_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK")
      throw new UnreadableFileError(
        "is a symbolic link: a workspace file must be a regular file in the repository",
      );
    throw e;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new UnreadableFileError(
        `is not a regular file (${stat.isDirectory() ? "a folder" : stat.isFIFO() ? "a FIFO" : "a device or socket"}): a workspace file must be a regular file in the repository`,
      );
    if (stat.size > maxBytes)
      throw new UnreadableFileError(
        `is ${stat.size} bytes, more than the ${maxBytes} a workspace file may have`,
      );
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, bytes, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
