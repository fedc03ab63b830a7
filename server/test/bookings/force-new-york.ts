// Imported first by a test file: the process runs in New York time from here on, so any rule
// that wrongly used the server's zone would answer differently.
process.env.TZ = 'America/New_York';
