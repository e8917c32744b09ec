//! A QuickJS allocator that counts every byte a run allocates and refuses what would
//! cross the run's memory limit.
//!
//! QuickJS reports a refused allocation as a catchable `InternalError`; the `exceeded`
//! flag lets the run report it as a memory error even when the program catches it.

use rquickjs::allocator::Allocator;
use std::alloc::{self, Layout};
use std::cell::Cell;
use std::ptr;
use std::rc::Rc;

/// Alignment of every block, and the size of the header that stores the block's size.
const ALIGN: usize = 16;

pub(super) struct LimitedAllocator {
    used: usize,
    limit: usize,
    exceeded: Rc<Cell<bool>>,
}

impl LimitedAllocator {
    pub(super) fn new(limit: usize, exceeded: Rc<Cell<bool>>) -> Self {
        Self {
            used: 0,
            limit,
            exceeded,
        }
    }

    fn reserve(&mut self, bytes: usize) -> bool {
        match self.used.checked_add(bytes) {
            Some(total) if total <= self.limit => {
                self.used = total;
                true
            }
            _ => {
                self.exceeded.set(true);
                false
            }
        }
    }

    fn layout(size: usize) -> Option<Layout> {
        let total = size.checked_add(ALIGN)?;
        Layout::from_size_align(total, ALIGN).ok()
    }

    /// Allocates `size` usable bytes after a header, zeroed or not.
    fn allocate(&mut self, size: usize, zeroed: bool) -> *mut u8 {
        let Some(layout) = Self::layout(size) else {
            return ptr::null_mut();
        };
        if !self.reserve(size) {
            return ptr::null_mut();
        }
        // SAFETY: the layout has a non-zero size (it includes the header).
        let block = unsafe {
            if zeroed {
                alloc::alloc_zeroed(layout)
            } else {
                alloc::alloc(layout)
            }
        };
        if block.is_null() {
            self.used -= size;
            return ptr::null_mut();
        }
        // SAFETY: the block is at least ALIGN bytes long and aligned for usize.
        unsafe {
            block.cast::<usize>().write(size);
            block.add(ALIGN)
        }
    }

    /// The usable size stored in the header of a block returned by `allocate`.
    ///
    /// # Safety
    /// `ptr` must come from this allocator and not be freed.
    unsafe fn size_of(ptr: *mut u8) -> usize {
        unsafe { ptr.sub(ALIGN).cast::<usize>().read() }
    }
}

// SAFETY: every block is ALIGN-aligned, at least the requested size, and freed with the
// layout it was allocated with; `usable_size` reads the size stored in the header.
unsafe impl Allocator for LimitedAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        self.allocate(size, false)
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        match count.checked_mul(size) {
            Some(total) => self.allocate(total, true),
            None => ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if ptr.is_null() {
            return;
        }
        unsafe {
            let size = Self::size_of(ptr);
            self.used -= size;
            if let Some(layout) = Self::layout(size) {
                alloc::dealloc(ptr.sub(ALIGN), layout);
            }
        }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.allocate(new_size, false);
        }
        unsafe {
            let old_size = Self::size_of(ptr);
            let (Some(old_layout), Some(new_layout)) =
                (Self::layout(old_size), Self::layout(new_size))
            else {
                return ptr::null_mut();
            };
            if new_size > old_size && !self.reserve(new_size - old_size) {
                return ptr::null_mut();
            }
            let block = alloc::realloc(ptr.sub(ALIGN), old_layout, new_layout.size());
            if block.is_null() {
                if new_size > old_size {
                    self.used -= new_size - old_size;
                }
                return ptr::null_mut();
            }
            if new_size < old_size {
                self.used -= old_size - new_size;
            }
            block.cast::<usize>().write(new_size);
            block.add(ALIGN)
        }
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        unsafe { Self::size_of(ptr) }
    }
}
