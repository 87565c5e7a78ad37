from flask import Flask
app = Flask(__name__)
# café ÿþ
