//! A QuickJS allocator that counts every byte a runtime allocates and refuses what
//! would cross the memory limit of the run using it.
//!
//! The limit lives in a [`Budget`] shared with the run, so a runtime built before its
//! run is known can take that run's limit. QuickJS reports a refused allocation as a
//! catchable `InternalError`; the budget also stops the run for memory, so the run
//! ends with a memory error even when the program catches it.

use crate::protocol::{RunControl, Stop};
use rquickjs::allocator::Allocator;
use std::alloc::{self, Layout};
use std::cell::{Cell, OnceCell};
use std::ptr;
use std::rc::Rc;
use std::sync::Arc;

/// Alignment of every block, and the size of the header that stores the block's size.
const ALIGN: usize = 16;

/// The bytes a runtime holds, the most it may hold, and the run it stops when it is
/// refused more.
pub(super) struct Budget {
    used: Cell<usize>,
    limit: Cell<usize>,
    run: OnceCell<Arc<RunControl>>,
}

impl Budget {
    /// A budget with no limit yet.
    pub(super) fn unlimited() -> Rc<Self> {
        Rc::new(Self {
            used: Cell::new(0),
            limit: Cell::new(usize::MAX),
            run: OnceCell::new(),
        })
    }

    /// Limits the runtime to `bytes` from now on, for the run of `control`, which is
    /// stopped for memory when an allocation is refused.
    pub(super) fn limit(&self, bytes: usize, control: Arc<RunControl>) {
        self.limit.set(bytes);
        let _ = self.run.set(control);
    }

    /// Bytes the runtime holds now.
    pub(super) fn used(&self) -> usize {
        self.used.get()
    }

    fn reserve(&self, bytes: usize) -> bool {
        match self.used.get().checked_add(bytes) {
            Some(total) if total <= self.limit.get() => {
                self.used.set(total);
                true
            }
            _ => {
                if let Some(run) = self.run.get() {
                    run.stop(Stop::Memory);
                }
                false
            }
        }
    }

    fn release(&self, bytes: usize) {
        self.used.set(self.used.get() - bytes);
    }
}

/// Allocates a runtime's memory from the global allocator within a [`Budget`].
pub(super) struct LimitedAllocator {
    budget: Rc<Budget>,
}

impl LimitedAllocator {
    /// An allocator that charges `budget`.
    pub(super) fn new(budget: Rc<Budget>) -> Self {
        Self { budget }
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
        if !self.budget.reserve(size) {
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
            self.budget.release(size);
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
            self.budget.release(size);
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
            if new_size > old_size && !self.budget.reserve(new_size - old_size) {
                return ptr::null_mut();
            }
            let block = alloc::realloc(ptr.sub(ALIGN), old_layout, new_layout.size());
            if block.is_null() {
                if new_size > old_size {
                    self.budget.release(new_size - old_size);
                }
                return ptr::null_mut();
            }
            if new_size < old_size {
                self.budget.release(old_size - new_size);
            }
            block.cast::<usize>().write(new_size);
            block.add(ALIGN)
        }
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        unsafe { Self::size_of(ptr) }
    }
}
