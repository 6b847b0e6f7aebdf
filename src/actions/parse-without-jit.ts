import { z } from "zod";

// Imported first by every bundled action, before any schema exists: zod decides at construction
// whether an object schema compiles its own parser (`new Function`) on first use. A step process
// parses each schema once or twice and exits, so compiling costs more than it saves (about 30 ms
// of a track-status step's CPU, and the garbage of building the source); the CLI, which lives long,
// keeps the compiled parsers.
z.config({ jitless: true });
