import { ascii, concat, randomBytes, u16be, u32be } from "./bytes";
import { isoBox } from "./images";

export interface HeifMetadata {
  format?: "heic" | "avif";
  /** A TIFF block for an Exif item (linked to the primary by `cdsc`). */
  exif?: Uint8Array;
  /** Store the Exif item in meta's idat (construction method 1) instead of mdat. */
  exifInIdat?: boolean;
  /** An XMP packet as a `mime` item, content type application/rdf+xml, linked by `cdsc`. */
  xmp?: string;
  /** A coded thumbnail item linked by `thmb`, with its own ispe. */
  thumbnail?: boolean;
  /** Anticlockwise quarter turns of the primary image, as an irot property. */
  irot?: number;
}

export interface BuiltHeif {
  bytes: Uint8Array;
  /** Where the primary image's coded bytes are: they must come out of stripping untouched. */
  primary: [start: number, end: number];
}

const fullBox = (type: string, version: number, ...payload: Uint8Array[]) => isoBox(type, new Uint8Array([version, 0, 0, 0]), ...payload);
const cString = (text: string) => ascii(`${text}\0`);

/**
 * A HEIC or AVIF laid out as phones and encoders write one: item 1 is the primary
 * image (random coded bytes in mdat), then, as asked, an Exif item (2), an XMP item
 * (3) and a thumbnail (4). iinf v0 with infe v2 entries, iloc v1 (32-bit offsets
 * and lengths), iref v0, ipma v0. The coded bytes are not decodable: only where
 * they are matters here.
 */
export function makeHeifWithMetadata(width: number, height: number, opts: HeifMetadata = {}): BuiltHeif {
  const format = opts.format ?? "heic";
  const codec = format === "heic" ? "hvc1" : "av01";
  const exifPayload = opts.exif && concat([u32be(6), ascii("Exif\0\0"), opts.exif]);
  const items: { id: number; type: string; contentType?: string; data: Uint8Array; inIdat?: boolean }[] = [
    { id: 1, type: codec, data: randomBytes(96) },
    ...(exifPayload ? [{ id: 2, type: "Exif", data: exifPayload, inIdat: opts.exifInIdat }] : []),
    ...(opts.xmp ? [{ id: 3, type: "mime", contentType: "application/rdf+xml", data: ascii(opts.xmp) }] : []),
    ...(opts.thumbnail ? [{ id: 4, type: codec, data: randomBytes(24) }] : []),
  ];
  const ftyp = isoBox("ftyp", ascii(format), u32be(0), ascii("mif1"), ascii(format), ascii("miaf"));
  const idatItems = items.filter((item) => item.inIdat);
  const mdatItems = items.filter((item) => !item.inIdat);

  const meta = (mdatStart: number) => {
    const offsets = new Map<number, number>();
    let at = mdatStart;
    for (const item of mdatItems) {
      offsets.set(item.id, at);
      at += item.data.length;
    }
    at = 0;
    for (const item of idatItems) {
      offsets.set(item.id, at);
      at += item.data.length;
    }
    const properties = [
      fullBox("ispe", 0, u32be(width), u32be(height)),
      isoBox(format === "heic" ? "hvcC" : "av1C", randomBytes(23)),
      isoBox("colr", ascii("nclx"), u16be(1), u16be(13), u16be(6), new Uint8Array([0x80])), // sRGB
      ...(opts.irot === undefined ? [] : [isoBox("irot", new Uint8Array([opts.irot]))]),
      fullBox("ispe", 0, u32be(16), u32be(12)),
    ];
    const primaryProperties = opts.irot === undefined ? [1, 2, 3] : [1, 2, 3, 4];
    const associations = [[1, primaryProperties], ...(opts.thumbnail ? [[4, [properties.length, 2]]] : [])] as [number, number[]][];
    const references = [
      ...(exifPayload ? [isoBox("cdsc", u16be(2), u16be(1), u16be(1))] : []),
      ...(opts.xmp ? [isoBox("cdsc", u16be(3), u16be(1), u16be(1))] : []),
      ...(opts.thumbnail ? [isoBox("thmb", u16be(4), u16be(1), u16be(1))] : []),
    ];
    return fullBox("meta", 0,
      fullBox("hdlr", 0, u32be(0), ascii("pict"), new Uint8Array(13)),
      fullBox("pitm", 0, u16be(1)),
      fullBox("iinf", 0, u16be(items.length), ...items.map((item) =>
        fullBox("infe", 2, u16be(item.id), u16be(0), ascii(item.type), cString(""), ...(item.contentType ? [cString(item.contentType)] : [])),
      )),
      fullBox("iloc", 1, new Uint8Array([0x44, 0x00]), u16be(items.length), ...items.map((item) =>
        concat([u16be(item.id), u16be(item.inIdat ? 1 : 0), u16be(0), u16be(1), u32be(offsets.get(item.id)!), u32be(item.data.length)]),
      )),
      ...(references.length > 0 ? [fullBox("iref", 0, ...references)] : []),
      isoBox("iprp", isoBox("ipco", ...properties), fullBox("ipma", 0, u32be(associations.length),
        ...associations.map(([id, indexes]) => concat([u16be(id), new Uint8Array([indexes.length, ...indexes])])),
      )),
      ...(idatItems.length > 0 ? [isoBox("idat", ...idatItems.map((item) => item.data))] : []),
    );
  };
  // Offsets depend on meta's length, which does not depend on them: lay it out once to measure.
  const mdatStart = ftyp.length + meta(0).length + 8;
  const bytes = concat([ftyp, meta(mdatStart), isoBox("mdat", ...mdatItems.map((item) => item.data))]);
  return { bytes, primary: [mdatStart, mdatStart + items[0].data.length] };
}

/** An XMP packet with a creator and a location, as cameras and editors write them. */
export const xmpPacket = (creator: string) =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,31.2N"><dc:creator><rdf:Seq><rdf:li>${creator}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`;
