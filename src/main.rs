fn main() -> std::process::ExitCode {
    reclaim::cli::main()
}
