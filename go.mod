module github.com/eqlrunner/eqlrunner

go 1.25.0

require github.com/pelletier/go-toml/v2 v2.4.3
