/**
 * Rotations from the config file: each one as layers by precedence (one inline layer is the layer "base"),
 * every layer checked by rotation.ts, its members against the people list, its restrictions already parsed by
 * the schema. Problems are reported with their path so the loader can name the file and line.
 */
import { parseRotation } from "../core/oncall/rotation.js";
import type { Layer, OncallRotation, Restriction } from "../core/oncall/types.js";
import type { ConfigFile } from "./file-schema.js";

type PathKey = string | number;
export type ReportProblem = (path: PathKey[], message: string) => void;

type RawRotation = ConfigFile["rotations"][number];
type RawLayer = NonNullable<RawRotation["layers"]>[number];

/** The name a rotation written without `layers` gives its one layer. */
export const INLINE_LAYER_NAME = "base";

/** The rotations, in file order; one with a problem is left out (the loader refuses the file anyway). */
export function buildRotations(
  file: ConfigFile,
  people: Set<string>,
  problem: ReportProblem,
): OncallRotation[] {
  return file.rotations.flatMap((raw, i) => {
    const at: PathKey[] = ["rotations", i];
    const zone = raw.timezone ?? file.timezone;
    const written: { layer: RawLayer; path: PathKey[] }[] = raw.layers
      ? raw.layers.map((layer, j) => ({ layer, path: [...at, "layers", j] }))
      : [{ layer: inlineLayer(raw), path: at }];
    const seen = new Set<string>();
    let broken = false;
    const layers: Layer[] = [];
    for (const { layer, path } of written) {
      if (seen.has(layer.name)) {
        problem(
          [...path, "name"],
          `duplicate layer name "${layer.name}"; give each layer of a rotation its own name`,
        );
        broken = true;
      }
      seen.add(layer.name);
      const built = buildLayer(raw.id, layer, zone, people, path, problem);
      if (built) layers.push(built);
      else broken = true;
    }
    if (broken) return [];
    const rotation: OncallRotation = { id: raw.id, layers, notifyBeforeMs: raw.notify_before };
    if (raw.name) rotation.name = raw.name;
    if (raw.channel) rotation.channel = raw.channel;
    return [rotation];
  });
}

/** The inline fields of a rotation without `layers` (the schema made sure the required ones are there). */
function inlineLayer(raw: RawRotation): RawLayer {
  return {
    name: INLINE_LAYER_NAME,
    members: raw.members ?? [],
    shift: raw.shift ?? "",
    handoff: raw.handoff ?? "",
    start: raw.start ?? "",
    ...(raw.restrict && { restrict: raw.restrict }),
  };
}

function buildLayer(
  rotationId: string,
  raw: RawLayer,
  defaultZone: string,
  people: Set<string>,
  path: PathKey[],
  problem: ReportProblem,
): Layer | null {
  let ok = true;
  raw.members.forEach((member, k) => {
    if (!people.has(member)) {
      problem([...path, "members", k], `"${member}" is not in people; add them there first`);
      ok = false;
    }
  });
  const parsed = parseRotation({
    id: rotationId,
    members: raw.members,
    shift: raw.shift,
    handoff: raw.handoff,
    timezone: raw.timezone ?? defaultZone,
    start: raw.start,
  });
  if (!parsed.ok) {
    problem(path, parsed.error);
    return null;
  }
  if (!ok) return null;
  const layer: Layer = { ...parsed.rotation, name: raw.name };
  if (raw.restrict) layer.restrict = raw.restrict.map((r): Restriction => ({ ...r }));
  return layer;
}
