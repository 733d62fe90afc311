use clap::Parser;

fn main() {
    let cli = irad::cli::Cli::parse();
    match irad::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
