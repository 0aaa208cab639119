/** The package's version (package.json), for `resim-sync --version` and the server's `serverInfo`. */
import { version } from '../../package.json';

export const VERSION: string = version;
