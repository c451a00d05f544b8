"""The scripts bench_capture.py records: argparse (helpers, parents, subcommands), click, typer, Hydra, absl.

Each entry is (name, library, files, script): the files of a small repository and the script `create` reads.
They are written the ways researchers write them, including ways `create` cannot fully read (defaults only the
script can compute), so the figure says how much it misses."""

from __future__ import annotations

Entry = tuple[str, str, dict[str, str], str]


def _argparse(body: str, imports: str = "") -> str:
    return f"import argparse\nimport os\n{imports}\n{body}\nargs = parser.parse_args()\nprint(args)\n"


ARGPARSE: list[Entry] = [
    ("argparse-basic", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--lr", type=float, default=0.01, help="lr")\n'
        'parser.add_argument("--epochs", type=int, default=10)\nparser.add_argument("--name", default="run")\n'
    )}, "train.py"),
    ("argparse-flags", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--cuda", action="store_true")\n'
        'parser.add_argument("--no-shuffle", dest="shuffle", action="store_false")\n'
        'parser.add_argument("--amp", action=argparse.BooleanOptionalAction, default=True)\n'
        'parser.add_argument("-v", "--verbose", action="count", default=0)\n'
    )}, "train.py"),
    ("argparse-lists", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--layers", nargs="+", type=int, default=[64, 32])\n'
        'parser.add_argument("--tags", action="append")\nparser.add_argument("--size", nargs=2, type=int, '
        'default=(224, 224))\nparser.add_argument("--opt", choices=["adam", "sgd"], default="adam")\n'
    )}, "train.py"),
    ("argparse-positionals", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("data")\nparser.add_argument("out", nargs="?", '
        'default="out")\nparser.add_argument("--seed", type=int, default=None)\n'
    )}, "train.py"),
    ("argparse-constants", "argparse", {"train.py": _argparse(
        'BATCH = 32\nBASE_LR = 1e-3\nparser = argparse.ArgumentParser()\n'
        'parser.add_argument("--batch-size", type=int, default=BATCH * 4)\n'
        'parser.add_argument("--lr", type=float, default=BASE_LR / 10)\n'
        'parser.add_argument("--hidden", type=int, default=2 ** 10)\n'
        'parser.add_argument("--tag", default="exp_" + str(1))\n'
    )}, "train.py"),
    ("argparse-strings", "argparse", {"train.py": _argparse(
        'ROOT = "/data"\nparser = argparse.ArgumentParser()\n'
        'parser.add_argument("--data-dir", default=ROOT + "/imagenet")\n'
        'parser.add_argument("--run", default=f"{ROOT}/runs")\nparser.add_argument("--eps", default=-1e-8, '
        'type=float)\n'
    )}, "train.py"),
    ("argparse-computed", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--out", default=os.path.join("runs", "x"))\n'
        'parser.add_argument("--workers", type=int, default=os.cpu_count())\n'
        'parser.add_argument("--lr", type=float, default=0.1)\n'
    )}, "train.py"),
    ("argparse-groups", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nmodel = parser.add_argument_group("model")\n'
        'model.add_argument("--depth", type=int, default=18)\nmodel.add_argument("--width", type=float, '
        'default=1.0)\nexclusive = parser.add_mutually_exclusive_group()\nexclusive.add_argument("--fp16", '
        'action="store_true")\nexclusive.add_argument("--bf16", action="store_true")\n'
    )}, "train.py"),
    ("argparse-function", "argparse", {"train.py": (
        'import argparse\n\ndef get_args():\n    p = argparse.ArgumentParser(description="x")\n'
        '    p.add_argument("--momentum", type=float, default=0.9)\n    p.add_argument("--wd", type=float, '
        'default=5e-4)\n    return p.parse_args()\n\nif __name__ == "__main__":\n    print(get_args())\n'
    )}, "train.py"),
    ("argparse-helper-module", "argparse", {
        "options.py": ('import argparse\n\ndef build_parser():\n    parser = argparse.ArgumentParser()\n'
                       '    parser.add_argument("--lr", type=float, default=3e-4)\n'
                       '    parser.add_argument("--steps", type=int, default=1000)\n    return parser\n'),
        "train.py": 'from options import build_parser\nargs = build_parser().parse_args()\nprint(args)\n',
    }, "train.py"),
    ("argparse-helper-extended", "argparse", {
        "common/__init__.py": "",
        "common/args.py": ('import argparse\n\ndef base():\n    p = argparse.ArgumentParser()\n'
                           '    p.add_argument("--seed", type=int, default=0)\n    p.add_argument("--log-dir", '
                           'default="logs")\n    return p\n'),
        "train.py": ('from common.args import base\nparser = base()\nparser.add_argument("--epochs", type=int, '
                     'default=5)\nprint(parser.parse_args())\n'),
    }, "train.py"),
    ("argparse-parents", "argparse", {"train.py": _argparse(
        'common = argparse.ArgumentParser(add_help=False)\ncommon.add_argument("--seed", type=int, default=42)\n'
        'parser = argparse.ArgumentParser(parents=[common])\nparser.add_argument("--lr", type=float, '
        'default=0.5)\n'
    )}, "train.py"),
    ("argparse-helper-function", "argparse", {"train.py": _argparse(
        'def add_optim(p):\n    p.add_argument("--beta1", type=float, default=0.9)\n'
        '    p.add_argument("--beta2", type=float, default=0.999)\n\nparser = argparse.ArgumentParser()\n'
        'parser.add_argument("--lr", type=float, default=1e-3)\nadd_optim(parser)\n'
    )}, "train.py"),
    ("argparse-subcommands", "argparse", {"cli.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--verbose", action="store_true")\n'
        'sub = parser.add_subparsers(dest="command")\ntrain = sub.add_parser("train")\n'
        'train.add_argument("--lr", type=float, default=0.1)\ntrain.add_argument("--epochs", type=int, default=3)\n'
        'ev = sub.add_parser("eval")\nev.add_argument("checkpoint")\n'
    )}, "cli.py"),
    ("argparse-subcommands-shared", "argparse", {"cli.py": _argparse(
        'def common(p):\n    p.add_argument("--batch", type=int, default=16)\n\n'
        'parser = argparse.ArgumentParser()\ncommands = parser.add_subparsers(dest="cmd", required=True)\n'
        'fit = commands.add_parser("fit", aliases=["train"])\ncommon(fit)\nfit.add_argument("--lr", type=float, '
        'default=2e-5)\npredict = commands.add_parser("predict")\ncommon(predict)\n'
    )}, "cli.py"),
    ("argparse-subcommand-parents", "argparse", {"cli.py": _argparse(
        'shared = argparse.ArgumentParser(add_help=False)\nshared.add_argument("--data", default="data/")\n'
        'parser = argparse.ArgumentParser()\nsub = parser.add_subparsers(dest="action")\n'
        'pre = sub.add_parser("preprocess", parents=[shared])\npre.add_argument("--workers", type=int, default=4)\n'
        'tr = sub.add_parser("train", parents=[shared])\n'
    )}, "cli.py"),
    ("argparse-env-default", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--rank", type=int, '
        'default=int(os.environ.get("RANK", 0)))\nparser.add_argument("--world", type=int, default=1)\n'
    )}, "train.py"),
]


def _click(body: str) -> str:
    return f"import click\n\n{body}\n\nif __name__ == '__main__':\n    cli()\n"


CLICK: list[Entry] = [
    ("click-basic", "click", {"cli.py": _click(
        '@click.command()\n@click.option("--lr", default=0.1, help="learning rate")\n'
        '@click.option("--epochs", type=int, default=3)\n@click.option("--name", default="run")\n'
        'def cli(lr, epochs, name):\n    pass'
    )}, "cli.py"),
    ("click-flags", "click", {"cli.py": _click(
        '@click.command()\n@click.option("--debug/--no-debug", default=False)\n@click.option("--fast", '
        'is_flag=True)\n@click.option("--color/--plain", default=True)\n@click.option("-v", "--verbose", '
        'count=True)\ndef cli(debug, fast, color, verbose):\n    pass'
    )}, "cli.py"),
    ("click-types", "click", {"cli.py": _click(
        '@click.command()\n@click.option("--opt", type=click.Choice(["adam", "sgd"]), default="sgd")\n'
        '@click.option("--frac", type=click.FloatRange(0, 1), default=0.5)\n@click.option("--n", '
        'type=click.IntRange(1, 8), default=2)\n@click.option("--out", type=click.Path(), default="out")\n'
        'def cli(opt, frac, n, out):\n    pass'
    )}, "cli.py"),
    ("click-multiple", "click", {"cli.py": _click(
        '@click.command()\n@click.option("--tag", multiple=True)\n@click.option("--size", nargs=2, type=int, '
        'default=(32, 32))\n@click.argument("files", nargs=-1)\ndef cli(tag, size, files):\n    pass'
    )}, "cli.py"),
    ("click-arguments", "click", {"cli.py": _click(
        '@click.command()\n@click.argument("src")\n@click.argument("dst", default="out")\n'
        '@click.option("-s", "--seed", default=7)\ndef cli(src, dst, seed):\n    pass'
    )}, "cli.py"),
    ("click-constants", "click", {"cli.py": _click(
        'STEPS = 100\n\n@click.command()\n@click.option("--steps", default=STEPS * 10)\n@click.option("--warmup", '
        'default=STEPS // 10)\n@click.option("--run", default="exp-" + "a")\ndef cli(steps, warmup, run):\n    pass'
    )}, "cli.py"),
    ("click-group", "click", {"cli.py": _click(
        '@click.group()\n@click.option("--debug/--no-debug", default=False)\ndef cli(debug):\n    pass\n\n'
        '@cli.command()\n@click.option("--lr", default=0.01)\n@click.option("--batch-size", default=64)\n'
        'def train(lr, batch_size):\n    pass\n\n@cli.command()\n@click.argument("ckpt")\ndef evaluate(ckpt):\n'
        '    pass'
    )}, "cli.py"),
    ("click-group-named", "click", {"cli.py": _click(
        '@click.group()\ndef cli():\n    pass\n\n@cli.command("fit")\n@click.option("--epochs", default=2)\n'
        '@click.option("--dropout", default=0.1, type=float)\ndef fit_model(epochs, dropout):\n    pass\n\n'
        '@cli.command(name="export")\ndef export_model():\n    pass'
    )}, "cli.py"),
    ("click-callable-default", "click", {"cli.py": _click(
        'import os\n\n@click.command()\n@click.option("--workers", default=lambda: os.cpu_count())\n'
        '@click.option("--lr", default=0.3)\ndef cli(workers, lr):\n    pass'
    )}, "cli.py"),
]


def _typer(body: str, run: str = "typer.run(main)") -> str:
    return (f"from typing import Annotated, List, Optional\nimport typer\n\n{body}\n\n"
            f"if __name__ == '__main__':\n    {run}\n")


TYPER: list[Entry] = [
    ("typer-basic", "typer", {"app.py": _typer(
        'def main(name: str, lr: float = 0.1, epochs: int = 3, verbose: bool = False):\n    pass'
    )}, "app.py"),
    ("typer-options", "typer", {"app.py": _typer(
        'def main(batch_size: int = typer.Option(32, help="batch"), out: str = typer.Option("runs", "--out", '
        '"-o"), force: bool = typer.Option(False, "--force"), seed: Optional[int] = None):\n    pass'
    )}, "app.py"),
    ("typer-annotated", "typer", {"app.py": _typer(
        'def main(data: Annotated[str, typer.Argument(help="data")], lr: Annotated[float, typer.Option(help="lr")] '
        '= 3e-4, steps: Annotated[int, typer.Option("--steps", "-s")] = 100):\n    pass'
    )}, "app.py"),
    ("typer-lists", "typer", {"app.py": _typer(
        'def main(tag: List[str] = typer.Option([]), layer: List[int] = typer.Option([8, 4]), '
        'shuffle: bool = True):\n    pass'
    )}, "app.py"),
    ("typer-app", "typer", {"app.py": _typer(
        'app = typer.Typer()\n\n@app.command()\ndef train(lr: float = 0.01, epochs: int = 5):\n    pass\n\n'
        '@app.command()\ndef predict(path: str = "model.pt"):\n    pass', run="app()"
    )}, "app.py"),
    ("typer-app-single", "typer", {"app.py": _typer(
        'app = typer.Typer()\n\n@app.command()\ndef main(depth: int = 50, pretrained: bool = True):\n    pass',
        run="app()"
    )}, "app.py"),
    ("typer-callback", "typer", {"app.py": _typer(
        'app = typer.Typer()\n\n@app.callback()\ndef common(debug: bool = False):\n    pass\n\n@app.command()\n'
        'def fit(lr: float = 0.5):\n    pass\n\n@app.command()\ndef score(n: int = 10):\n    pass', run="app()"
    )}, "app.py"),
]


def _hydra(config_path: str = "conf", name: str = "config") -> str:
    return ("import hydra\nfrom omegaconf import DictConfig, OmegaConf\n\n"
            f'@hydra.main(config_path="{config_path}", config_name="{name}", version_base=None)\n'
            "def main(cfg: DictConfig) -> None:\n    print(OmegaConf.to_yaml(cfg))\n\n"
            "if __name__ == '__main__':\n    main()\n")


HYDRA: list[Entry] = [
    ("hydra-plain", "hydra", {"app.py": _hydra(), "conf/config.yaml": "lr: 0.1\nepochs: 10\nname: run\n"}, "app.py"),
    ("hydra-nested", "hydra", {"app.py": _hydra(), "conf/config.yaml": (
        "model:\n  depth: 18\n  width: 1.5\noptim:\n  lr: 0.001\n  betas: [0.9, 0.99]\n")}, "app.py"),
    ("hydra-defaults", "hydra", {"app.py": _hydra(), "conf/config.yaml": (
        "defaults:\n  - db: mysql\n  - _self_\n\nseed: 1\n"), "conf/db/mysql.yaml": "driver: mysql\nport: 3306\n",
        "conf/db/postgres.yaml": "driver: postgres\nport: 5432\n"}, "app.py"),
    ("hydra-two-groups", "hydra", {"app.py": _hydra(), "conf/config.yaml": (
        "defaults:\n  - model: resnet\n  - optim: adam\n  - _self_\n\nepochs: 3\n"),
        "conf/model/resnet.yaml": "depth: 50\n", "conf/optim/adam.yaml": "lr: 0.0003\neps: 1.0e-08\n"}, "app.py"),
    ("hydra-interpolation", "hydra", {"app.py": _hydra(), "conf/config.yaml": (
        "lr: 0.1\nscheduler:\n  base_lr: ${lr}\n  steps: 100\n")}, "app.py"),
    ("hydra-subfolder", "hydra", {"src/app.py": _hydra("../configs", "train"), "configs/train.yaml": (
        "batch: 64\ndata:\n  root: /data\n")}, "src/app.py"),
]


def _absl(body: str) -> str:
    return (f"from absl import app, flags\n\nFLAGS = flags.FLAGS\n{body}\n\ndef main(argv):\n"
            "    print(FLAGS.flag_values_dict())\n\nif __name__ == '__main__':\n    app.run(main)\n")


ABSL: list[Entry] = [
    ("absl-basic", "absl", {"train.py": _absl(
        'flags.DEFINE_string("model", "resnet", "net")\nflags.DEFINE_integer("steps", 1000, "steps")\n'
        'flags.DEFINE_float("lr", 0.1, "lr")\nflags.DEFINE_boolean("fast", False, "fast")\n'
    )}, "train.py"),
    ("absl-kinds", "absl", {"train.py": _absl(
        'flags.DEFINE_enum("mode", "train", ["train", "eval"], "mode")\nflags.DEFINE_list("layers", ["64", "32"], '
        '"layers")\nflags.DEFINE_multi_string("gpu", ["0"], "gpus")\nflags.DEFINE_bool("xla", True, "xla")\n'
    )}, "train.py"),
    ("absl-keywords", "absl", {"train.py": _absl(
        'flags.DEFINE_integer(name="batch", default=256, help="batch")\nflags.DEFINE_string(name="out", default=None, '
        'help="out")\n'
    )}, "train.py"),
    ("absl-constants", "absl", {"train.py": _absl(
        'EPOCHS = 90\nflags.DEFINE_integer("epochs", EPOCHS, "epochs")\nflags.DEFINE_float("wd", 1e-4 * 5, "wd")\n'
    )}, "train.py"),
    ("absl-helper-module", "absl", {
        "config_flags.py": ('from absl import flags\nflags.DEFINE_integer("seed", 0, "seed")\n'
                            'flags.DEFINE_string("data_dir", "/data", "data")\n'),
        "train.py": "import config_flags\n" + _absl('flags.DEFINE_float("lr", 0.01, "lr")\n'),
    }, "train.py"),
]

# Written the ways `create` is known to read less well, so the figure does not flatter it.
HARDER: list[Entry] = [
    ("argparse-set-defaults", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nparser.add_argument("--lr", type=float, default=0.1)\n'
        'parser.set_defaults(lr=0.3)\n'
    )}, "train.py"),
    ("argparse-loop", "argparse", {"train.py": _argparse(
        'parser = argparse.ArgumentParser()\nfor name in ("alpha", "beta"):\n    parser.add_argument(f"--{name}", '
        'type=float, default=1.0)\nparser.add_argument("--gamma", type=float, default=0.5)\n'
    )}, "train.py"),
    ("click-add-command", "click", {"cli.py": _click(
        '@click.group()\ndef cli():\n    pass\n\n@click.command()\n@click.option("--lr", default=0.2)\n'
        'def train(lr):\n    pass\n\ncli.add_command(train)'
    )}, "cli.py"),
    ("typer-enum", "typer", {"app.py": _typer(
        'from enum import Enum\n\nclass Opt(str, Enum):\n    adam = "adam"\n    sgd = "sgd"\n\n'
        'def main(opt: Opt = Opt.sgd, lr: float = 0.1):\n    pass'
    )}, "app.py"),
    ("hydra-structured", "hydra", {"app.py": (
        "from dataclasses import dataclass\nimport hydra\nfrom hydra.core.config_store import ConfigStore\n"
        "from omegaconf import OmegaConf\n\n@dataclass\nclass Config:\n    lr: float = 0.1\n    epochs: int = 3\n\n"
        "ConfigStore.instance().store(name='config', node=Config)\n\n"
        "@hydra.main(config_path=None, config_name='config', version_base=None)\ndef main(cfg):\n"
        "    print(OmegaConf.to_yaml(cfg))\n\nif __name__ == '__main__':\n    main()\n")}, "app.py"),
]

CORPUS: list[Entry] = [*ARGPARSE, *CLICK, *TYPER, *HYDRA, *ABSL, *HARDER]
