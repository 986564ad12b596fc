fn main() {
    let path = std::env::args().nth(1).unwrap();
    let file = detente_spec::SourceFile::new(&path, std::fs::read_to_string(&path).unwrap());
    let checked = detente_spec::check(&file);
    print!("{}", detente_spec::diagnostic::render(&checked.diagnostics, &file, detente_spec::diagnostic::Style::Plain));
}
