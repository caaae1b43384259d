//! Giving freed memory back to the system during a long video.
//!
//! The pose step makes about a thousand short-lived allocations a frame, of many sizes (image
//! crops, tensors, landmark lists). glibc's allocator keeps the pages they free inside its main
//! heap, which it can only shrink from the top: over a 10-minute video the heap grew by about
//! 12 KB a frame while the live heap stayed at 63 MB (heaptrack), so the resident memory grew with
//! the length of the video. `malloc_trim(0)` returns every whole free page inside the heap too
//! (with `madvise`), without moving anything.

/// Frames between two calls of [`release_free_memory`] in the pose loop (about 8 s of a 30 fps
/// video; one call takes well under a millisecond on a heap of this size).
pub const TRIM_EVERY_FRAMES: u64 = 256;

/// Returns the allocator's whole free pages to the system (glibc on Linux; elsewhere nothing).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim takes no pointer, touches only memory the allocator owns and has
        // marked free, and is thread-safe (it takes each arena's lock).
        unsafe {
            malloc_trim(0);
        }
    }
}
