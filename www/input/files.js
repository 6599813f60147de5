// Files the visitor gives the page: picked with a file button, or dropped anywhere on the page.

const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** Reads `file` and calls `onFile({ name, bytes })`, or `onError(message)` when it cannot be read. */
async function read(file, onFile, onError) {
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) {
    onError(`${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MB; files up to 1024 MB are accepted.`);
    return;
  }
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    onError(`${file.name} could not be read: ${error.message}`);
    return;
  }
  onFile({ name: file.name, bytes });
}

/** Calls `onFile({ name, bytes })` for each file picked with `input` (a file input). */
export function pickFiles(input, onFile, onError) {
  input.addEventListener('change', () => {
    read(input.files[0], onFile, onError);
    input.value = ''; // so that picking the same file again is a change too
  });
}

/**
 * Calls `onFile({ name, bytes })` for a file dropped on the page, highlighting `zone` while one is dragged.
 * Drops anywhere on the page are caught, so a missed drop zone does not navigate away from the page.
 */
export function acceptDrops(zone, onFile, onError) {
  for (const type of ['dragenter', 'dragover']) {
    document.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    document.addEventListener(type, (event) => {
      event.preventDefault();
      if (type === 'drop' || event.relatedTarget === null) zone.classList.remove('dragging');
    });
  }
  document.addEventListener('drop', (event) => read(event.dataTransfer?.files[0], onFile, onError));
}
