//! A first look at an imported YAML document, before it is loaded: it must keep within [`MAX_BYTES`],
//! [`MAX_DEPTH`] and [`MAX_ALIAS_NODES`], have no duplicate keys, and is mapped so that an import error can
//! name the line as well as the path.
//!
//! The look is one pass over the parser's events ([`yaml_rust2`], which expands nothing and keeps its own
//! stack), so hostile input (an alias bomb, ten thousand nested brackets, a key of megabytes repeated under
//! many children) costs time and memory in proportion to its size and is refused with the line at fault,
//! before the loader (which expands aliases and recurses) ever sees it.
use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use super::Problem;

/// The largest document imported (4 MiB): ten times the largest contract we know of, and more than the
/// web API's body limit, so the limit that matters there is the server's.
pub const MAX_BYTES: usize = 4 << 20;
/// How deeply collections may nest (ODCS itself needs about ten levels).
pub const MAX_DEPTH: usize = 64;
/// How many nodes aliases may copy in all (each `*alias` copies the node its anchor names): enough for any
/// reasonable reuse, far below what an alias bomb (`billion laughs`) asks for.
pub const MAX_ALIAS_NODES: u64 = 100_000;

/// Where each node of a document starts: a tree of keys and indexes (each key stored once, so the map is
/// as large as the document, whatever its shape), and the 1-based line of each node.
#[derive(Debug, Default)]
pub struct LineMap {
    children: HashMap<(usize, Step), usize>,
    /// The line of each node; node 0 is the document's root.
    lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

impl LineMap {
    /// The map of a document [`scan`] accepts (empty for one it refuses).
    pub fn of(yaml: &str) -> LineMap {
        scan(yaml).unwrap_or_default()
    }

    /// The line of `pointer` (`/schema/0/properties/3/logicalType`), or of its nearest ancestor that has one.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut node = 0;
        let mut line = self.lines.first().copied();
        for part in pointer.split('/').skip(1) {
            let key = part.replace("~1", "/").replace("~0", "~");
            let next = self.children.get(&(node, Step::Key(key))).or_else(|| {
                part.parse()
                    .ok()
                    .and_then(|i| self.children.get(&(node, Step::Index(i))))
            });
            match next {
                Some(&child) => {
                    node = child;
                    line = Some(self.lines[child]);
                }
                None => break,
            }
        }
        line
    }

    fn add(&mut self, parent: Option<(usize, Step)>, line: usize) -> Result<usize, usize> {
        let id = self.lines.len();
        if let Some(at) = parent {
            if let Some(&first) = self.children.get(&at) {
                return Err(self.lines[first]);
            }
            self.children.insert(at, id);
        }
        self.lines.push(line);
        Ok(id)
    }
}

/// Checks a document's size, depth, alias use and keys, and maps its lines. A YAML syntax error is refused
/// here too (with the parser's line), so nothing this pass has not seen whole goes on to the loader.
pub fn scan(yaml: &str) -> Result<LineMap, Problem> {
    let mut scanner = Scanner::default();
    if yaml.len() > MAX_BYTES {
        let line = 1 + yaml.as_bytes()[..MAX_BYTES]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        return Err(scanner.refuse(
            line,
            format!(
                "the document is {:.1} MiB, more than the {} MiB accepted (it passes the limit on this line)",
                yaml.len() as f64 / f64::from(1 << 20),
                MAX_BYTES >> 20
            ),
        ));
    }
    let mut parser = Parser::new_from_str(yaml);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((event, mark)) => scanner.on_event(event, mark)?,
            // The scanner's own bound on nested flow collections (`[[[[...`), met before ours.
            Err(e) if e.info() == "recursion limit exceeded" => {
                return Err(scanner.refuse(e.marker().line(), too_deep()));
            }
            Err(e) => {
                let line = e.marker().line();
                return Err(scanner.refuse(line, format!("not valid YAML: {}", e.info())));
            }
        }
    }
    Ok(scanner.map)
}

fn too_deep() -> String {
    format!("nested more than {MAX_DEPTH} levels deep here: flatten the document")
}

/// Whether a collection is a mapping's key (a complex key) or a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Key,
    Value,
}

enum Shape {
    Map {
        /// The key whose value comes next, once read (`None`: a key that is not a plain scalar).
        key: Option<Option<String>>,
    },
    Seq {
        index: usize,
    },
}

struct Frame {
    shape: Shape,
    /// This collection's node in the map (`None` when it cannot be named, e.g. under a complex key).
    node: Option<usize>,
    role: Role,
    /// The anchor on this collection (0: none), and how many nodes had been read when it started.
    anchor: usize,
    nodes_before: u64,
}

#[derive(Default)]
struct Scanner {
    stack: Vec<Frame>,
    map: LineMap,
    /// Nodes read so far, aliases counted as the nodes they copy.
    nodes: u64,
    /// Nodes copied by aliases so far.
    copied: u64,
    /// The nodes each anchor's node holds (as `nodes` counts them).
    anchored: HashMap<usize, u64>,
    /// Whether the root node has been read (a second one is a second document).
    rooted: bool,
}

impl Scanner {
    fn refuse(&mut self, line: usize, message: String) -> Problem {
        Problem {
            line: Some(line),
            path: String::new(),
            message,
        }
    }

    /// A node starts at `line`: a key of the enclosing mapping, or a value. Returns its role and its node
    /// in the map (if it is a value that can be named).
    fn node_starts(
        &mut self,
        key: Option<&str>,
        line: usize,
    ) -> Result<(Role, Option<usize>), Problem> {
        let parent = match self.stack.last_mut() {
            None => {
                if std::mem::replace(&mut self.rooted, true) {
                    return Err(self.refuse(
                        line,
                        "a second document starts here: a data contract is one YAML document"
                            .into(),
                    ));
                }
                let root = self.map.add(None, line).unwrap_or_default();
                return Ok((Role::Value, Some(root)));
            }
            Some(frame) => frame,
        };
        let step = match &mut parent.shape {
            Shape::Map {
                key: pending @ None,
            } => {
                *pending = Some(key.map(str::to_owned));
                return Ok((Role::Key, None));
            }
            Shape::Map { key: pending } => pending.take().flatten().map(Step::Key),
            Shape::Seq { index } => Some(Step::Index(*index)),
        };
        let Some((node, step)) = parent.node.zip(step) else {
            return Ok((Role::Value, None));
        };
        match self.map.add(Some((node, step.clone())), line) {
            Ok(id) => Ok((Role::Value, Some(id))),
            Err(first) => {
                let Step::Key(key) = step else {
                    unreachable!("an index is never added twice")
                };
                Err(self.refuse(
                    line,
                    format!("the key `{key}` appears twice in one mapping (first on line {first})"),
                ))
            }
        }
    }

    /// A scalar or alias ended: a sequence moves on (a mapping moved on when the value started).
    fn value_ends(&mut self) {
        if let Some(Frame {
            shape: Shape::Seq { index },
            ..
        }) = self.stack.last_mut()
        {
            *index += 1;
        }
    }

    fn counted(&mut self, nodes: u64, line: usize) -> Result<(), Problem> {
        self.nodes += nodes;
        if self.copied > MAX_ALIAS_NODES {
            return Err(self.refuse(
                line,
                format!(
                    "aliases copy more than {MAX_ALIAS_NODES} nodes by this line (an alias bomb?): \
                     write the values out, or reuse fewer"
                ),
            ));
        }
        Ok(())
    }

    fn on_event(&mut self, event: Event, mark: Marker) -> Result<(), Problem> {
        let line = mark.line();
        match event {
            Event::Scalar(value, _, anchor, _) => {
                let (role, _) = self.node_starts(Some(&value), line)?;
                if anchor != 0 {
                    self.anchored.insert(anchor, 1);
                }
                if role == Role::Value {
                    self.value_ends();
                }
                self.counted(1, line)?;
            }
            Event::Alias(anchor) => {
                let (role, _) = self.node_starts(None, line)?;
                if role == Role::Value {
                    self.value_ends();
                }
                // An alias to a node still open (it contains itself) copies what is known of it so far.
                let size = self.anchored.get(&anchor).copied().unwrap_or(1);
                self.copied += size;
                self.counted(size, line)?;
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                let (role, node) = self.node_starts(None, line)?;
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.refuse(line, too_deep()));
                }
                let shape = if matches!(event, Event::MappingStart(..)) {
                    Shape::Map { key: None }
                } else {
                    Shape::Seq { index: 0 }
                };
                self.stack.push(Frame {
                    shape,
                    node: if role == Role::Key { None } else { node },
                    role,
                    anchor,
                    nodes_before: self.nodes,
                });
                self.counted(1, line)?;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.stack.pop() {
                    if frame.anchor != 0 {
                        self.anchored
                            .insert(frame.anchor, self.nodes - frame.nodes_before);
                    }
                    match (frame.role, self.stack.last_mut()) {
                        // A complex key: its value comes next, and cannot be named.
                        (
                            Role::Key,
                            Some(Frame {
                                shape: Shape::Map { key },
                                ..
                            }),
                        ) => *key = Some(None),
                        _ => self.value_ends(),
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{scan, LineMap, MAX_DEPTH};

    #[test]
    fn finds_the_line_of_nested_nodes() {
        let yaml = "kind: DataContract\nschema:\n  - name: tbl\n    properties:\n      - name: a\n        logicalType: text\n      - name: b\n        logicalType: string\n";
        let map = LineMap::of(yaml);
        assert_eq!(map.line("/kind"), Some(1));
        assert_eq!(map.line("/schema/0/name"), Some(3));
        assert_eq!(map.line("/schema/0/properties/0/logicalType"), Some(6));
        assert_eq!(map.line("/schema/0/properties/1"), Some(7));
        assert_eq!(
            map.line("/schema/0/properties/1/nope"),
            Some(7),
            "falls back to the parent"
        );
        assert_eq!(map.line(""), Some(1));
    }

    #[test]
    fn keys_with_slashes_and_tildes_are_found_by_their_escaped_pointer() {
        let map = LineMap::of("a/b:\n  c~d: 1\n");
        assert_eq!(map.line("/a~1b/c~0d"), Some(2));
    }

    #[test]
    fn complex_keys_do_not_shift_the_keys_after_them() {
        let map = LineMap::of("? [x, y]\n: 1\nname: n\n");
        assert_eq!(map.line("/name"), Some(3));
    }

    #[test]
    fn duplicate_keys_are_refused_with_both_lines() {
        let refused = scan("id: a\nstatus: draft\nid: b\n").unwrap_err();
        assert_eq!(refused.line, Some(3));
        assert_eq!(
            refused.message,
            "the key `id` appears twice in one mapping (first on line 1)"
        );
        assert!(
            scan("a:\n  id: 1\nb:\n  id: 2\n").is_ok(),
            "keys of different mappings"
        );
    }

    #[test]
    fn an_alias_bomb_is_refused_where_it_goes_off() {
        // Each level copies the one before ten times: 11, 111, 1111... nodes; line 5 passes the limit.
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for pair in names.windows(2) {
            let aliases = vec![format!("*{}", pair[0]); 10].join(", ");
            yaml.push_str(&format!("{}: &{} [{aliases}]\n", pair[1], pair[1]));
        }
        let refused = scan(&yaml).unwrap_err();
        assert!(refused.message.contains("alias bomb"), "{refused:?}");
        assert_eq!(refused.line, Some(5), "{refused:?}");
        assert!(
            scan("a: &a [1, 2]\nb: *a\nc: *a\n").is_ok(),
            "a little reuse is fine"
        );
    }

    #[test]
    fn deep_nesting_is_refused_at_the_line_it_goes_too_deep() {
        let yaml = "[".repeat(10_000);
        let refused = scan(&yaml).unwrap_err();
        assert_eq!(refused.line, Some(1));
        assert!(
            refused.message.contains(&MAX_DEPTH.to_string()),
            "{refused:?}"
        );
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(scan(&ok).is_ok());
    }

    #[test]
    fn a_second_document_is_refused() {
        let refused = scan("id: a\n---\nid: b\n").unwrap_err();
        assert_eq!(refused.line, Some(3), "{refused:?}");
    }
}
