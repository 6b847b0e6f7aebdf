import { z } from "zod";

// Imported first by every bundled action, before any schema exists: zod decides at construction
// whether an object schema compiles its own parser (`new Function`) on first use. A step process
// parses each schema once or twice and exits, so compiling costs more than it saves (zod's share of
// a track-status step: 119 → 73 ms of CPU, the garbage of building the source included); the CLI,
// which lives long, keeps the compiled parsers.
z.config({ jitless: true });
