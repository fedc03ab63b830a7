// What every operator script shares: the config, one plain line on failure, exit codes.
import { ConfigError, loadConfig, type AppConfig } from '../config.js';
import { StartupError } from '../lib/startup-error.js';

export async function runScript(main: (config: AppConfig) => Promise<void>) {
  try {
    await main(loadConfig());
    process.exit(0);
  } catch (err) {
    if (err instanceof StartupError || err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    console.error(`Failed: ${(err as Error).message?.split('\n')[0]}`);
    console.error(err);
    process.exit(1);
  }
}
