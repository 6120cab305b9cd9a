//! Typed places in the site's lists ([`PageId`] and its kin), and [`Table`], what is kept
//! beside a list in the same order, indexed by the same ids.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut, Index, IndexMut};

use super::{City, Page, Section, Term};

/// An id of one of the site's lists.
pub trait Id: Copy {
    /// The place in the list.
    fn index(self) -> usize;
}

/// A typed place in one of the site's lists, so that an article's id cannot pick a tag.
macro_rules! id {
    ($(#[$doc:meta])* $id:ident in $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $id(pub(in crate::site) usize);

        impl $id {
            /// Each of `items` with its id, in order.
            pub fn each(items: &[$item]) -> impl DoubleEndedIterator<Item = ($id, &$item)> {
                items.iter().enumerate().map(|(i, item)| ($id(i), item))
            }

            /// The ids of all of `items`, in order.
            pub fn all(items: &[$item]) -> Vec<$id> {
                (0..items.len()).map($id).collect()
            }
        }

        impl Id for $id {
            fn index(self) -> usize {
                self.0
            }
        }

        impl std::ops::Index<$id> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }

        impl std::ops::Index<$id> for [$item] {
            type Output = $item;
            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }

        impl std::ops::IndexMut<$id> for Vec<$item> {
            fn index_mut(&mut self, id: $id) -> &mut $item {
                &mut self[id.0]
            }
        }
    };
}

id!(
    /// An article or root page: its place in [`Site::pages`].
    PageId in Page
);
id!(
    /// A section: its place in [`Site::sections`].
    SectionId in Section
);
id!(
    /// A tag: its place in [`Site::tags`].
    TagId in Term
);
id!(
    /// A city: its place in [`Site::cities`].
    CityId in City
);

/// Something kept for each item of one of the site's lists (each article's rendered body,
/// its list record), in the list's order and indexed by its ids, so that a tag's id cannot
/// pick an article's body.
pub struct Table<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I)>,
}

impl<I, T> Table<I, T> {
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<I, T> From<Vec<T>> for Table<I, T> {
    fn from(items: Vec<T>) -> Self {
        Table {
            items,
            id: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for Table<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(items: It) -> Self {
        Vec::from_iter(items).into()
    }
}

impl<I, T> Default for Table<I, T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<I: Id, T> Index<I> for Table<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> IndexMut<I> for Table<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

/// Read as a slice: to zip with the list, iterate, or hand on whole.
impl<I, T> Deref for Table<I, T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<I, T> DerefMut for Table<I, T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items
    }
}

impl<I, T> IntoIterator for Table<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<I, T: Clone> Clone for Table<I, T> {
    fn clone(&self) -> Self {
        self.items.clone().into()
    }
}

impl<'a, I, T> IntoIterator for &'a Table<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<I, T: std::fmt::Debug> std::fmt::Debug for Table<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}
