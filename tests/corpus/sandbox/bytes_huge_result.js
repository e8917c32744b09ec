// expect: result_too_large
// 8 MiB of bytes are more than 10 MiB of base64 in the result.
return { data: new Uint8Array(8 * 1024 * 1024) };
