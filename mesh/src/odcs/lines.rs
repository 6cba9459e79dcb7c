//! Where each node of a YAML document starts, so an import error can name the line as well as the path.
use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// JSON pointer (`/schema/0/properties/3/logicalType`) -> 1-based line.
#[derive(Debug, Default)]
pub struct LineMap(HashMap<String, usize>);

impl LineMap {
    pub fn of(yaml: &str) -> LineMap {
        let mut walker = Walker::default();
        // A syntax error is reported by the real parser; the map is then just partial.
        let _ = Parser::new_from_str(yaml).load(&mut walker, false);
        LineMap(walker.lines)
    }

    /// The line of `pointer`, or of its nearest ancestor that has one.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut p = pointer.to_owned();
        loop {
            if let Some(line) = self.0.get(&p) {
                return Some(*line);
            }
            match p.rfind('/') {
                Some(i) => p.truncate(i),
                None => return None,
            }
        }
    }
}

enum Frame {
    Map {
        key: Option<String>,
        awaiting_key: bool,
    },
    Seq {
        index: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
}

impl Walker {
    fn path(&self) -> String {
        let mut out = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Map {
                    key: Some(k),
                    awaiting_key: false,
                } => {
                    out.push('/');
                    out.push_str(&k.replace('~', "~0").replace('/', "~1"));
                }
                Frame::Seq { index } => {
                    out.push('/');
                    out.push_str(&index.to_string());
                }
                _ => {}
            }
        }
        out
    }

    /// A node starts: a key of the enclosing mapping, or a value. Returns true if it was a key.
    fn node_starts(&mut self, scalar: Option<&str>, line: usize) -> bool {
        if let Some(Frame::Map { key, awaiting_key }) = self.stack.last_mut() {
            if *awaiting_key {
                *key = scalar.map(str::to_owned);
                *awaiting_key = false;
                let path = self.path();
                self.lines.entry(path).or_insert(line);
                return true;
            }
        }
        let path = self.path();
        self.lines.entry(path).or_insert(line);
        false
    }

    /// A value ended: the enclosing mapping waits for its next key, the sequence moves on.
    fn value_ends(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { awaiting_key, .. }) => *awaiting_key = true,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(value, ..) if !self.node_starts(Some(&value), line) => self.value_ends(),
            Event::Alias(_) if !self.node_starts(None, line) => self.value_ends(),
            Event::MappingStart(..) => {
                self.node_starts(None, line);
                self.stack.push(Frame::Map {
                    key: None,
                    awaiting_key: true,
                });
            }
            Event::SequenceStart(..) => {
                self.node_starts(None, line);
                self.stack.push(Frame::Seq { index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_ends();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LineMap;

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
    }
}
