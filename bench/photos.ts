import { cameraPhoto, type CameraPhoto } from "../scripts/camera-photo";

const made = new Map<number, Promise<CameraPhoto>>();

/**
 * Camera photos (scripts/camera-photo.ts, about half a second each to make) kept for the run, so
 * cases that upload the same seeds for different users make them once. One at a time: the
 * machine's cores are shared with the stack being measured.
 */
export async function cameraPhotos(fromSeed: number, count: number): Promise<CameraPhoto[]> {
  const photos: CameraPhoto[] = [];
  for (let seed = fromSeed; seed < fromSeed + count; seed++) {
    const photo = made.get(seed) ?? cameraPhoto(seed);
    made.set(seed, photo);
    photos.push(await photo);
  }
  return photos;
}
