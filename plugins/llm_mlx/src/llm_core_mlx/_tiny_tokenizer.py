"""Byte-level BPE tokenizer files for the tiny Qwen2-VL test checkpoint (see ``tiny_model``).

The tokenizer is trained locally with the ``tokenizers`` package on a small embedded English
corpus, so nothing is downloaded. Its byte-level layout (256 byte symbols, a few hundred merges)
and its special tokens mirror the real Qwen2-VL tokenizer, and its ChatML chat template renders
image content parts as ``<|vision_start|><|image_pad|><|vision_end|>`` like the original.
"""

from __future__ import annotations

from typing import Any

#: The Qwen2-VL special tokens, in the order the real tokenizer numbers them.
SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
)

#: Target size of the trained vocabulary (byte symbols + merges), before the special tokens.
BPE_VOCAB_SIZE = 400

_CORPUS = """\
The quick brown fox jumps over the lazy dog. A small model can still say a lot of words.
You are a helpful assistant. Describe the image in one short sentence, please.
The picture shows a red square on a white table, next to a green cup and a blue book.
There is a cat sitting in the sun by the window, and a dog is sleeping on the floor.
What is in this image? It is a photo of a city street with cars, people and tall buildings.
Tell me a story about a robot who wanted to learn how to paint the sea and the sky.
The weather today is warm and bright; tomorrow it will rain in the morning and clear up later.
Numbers like one, two, three, four and five are easy to read and to write down.
This is a test of the local language model. Hello, world! How are you doing this morning?
I think the answer is yes, but we should check the result again before we say it is right.
Light and color, shape and line: every image has something to tell the people who look at it.
"""

#: ChatML template of Qwen2-VL: image/video content parts become vision placeholder tokens.
CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] in ('image', 'image_url', 'input_image') or 'image' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}"
    "<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}"
    "{% endfor %}<|im_end|>\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_tokenizer() -> Any:
    """Train and return the byte-level BPE ``tokenizers.Tokenizer`` (deterministic)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB_SIZE,
        min_frequency=2,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(_CORPUS.splitlines(), trainer=trainer)
    tokenizer.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS]
    )
    return tokenizer


def tokenizer_config(model_max_length: int) -> dict[str, Any]:
    """The ``tokenizer_config.json`` contents (chat template included)."""
    return {
        "tokenizer_class": "Qwen2Tokenizer",
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "model_max_length": model_max_length,
        "clean_up_tokenization_spaces": False,
        "split_special_tokens": False,
        "errors": "replace",
        "chat_template": CHAT_TEMPLATE,
    }


def printable_token_ids(tokenizer: Any) -> list[int]:
    """Ids of the non-special tokens whose bytes are all printable ASCII (space to ``~``)."""
    specials = set(SPECIAL_TOKENS)
    out = []
    for token, token_id in tokenizer.get_vocab(with_added_tokens=True).items():
        if token in specials:
            continue
        text = tokenizer.decode([token_id], skip_special_tokens=False)
        if text and all(" " <= ch <= "~" for ch in text) and "\ufffd" not in text:
            out.append(token_id)
    return sorted(out)
